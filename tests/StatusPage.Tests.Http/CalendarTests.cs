using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

// /maintenance.ics parsed back with Ical.Net: one event per maintenance, stable UID, SEQUENCE raised on each change.
public sealed class CalendarTests
{
    private const string Upcoming = "2027-04-18-ams2-storage-hardware-refresh";

    [Fact]
    public async Task Every_maintenance_is_an_event_with_a_stable_uid_its_revision_as_sequence_and_cancelled_ones_marked()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var snapshot = factory.Services.GetRequiredService<LedgerService>().Current;

        var response = await client.GetAsync(new Uri("/maintenance.ics", UriKind.Relative));
        var calendar = Ical.Net.Calendar.Load(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(snapshot.Maintenances.Count, calendar.Events.Count);
        foreach (var maintenance in snapshot.Maintenances.Values)
        {
            var e = Assert.Single(calendar.Events, e => e.Uid == $"maintenance-{maintenance.Id}@status.tidewater.example");
            Assert.Equal(maintenance.Revision, e.Sequence);
            Assert.Equal(maintenance.ScheduledFor.UtcDateTime, e.DtStart!.AsUtc);
            Assert.Equal(maintenance.ScheduledUntil.UtcDateTime, e.DtEnd!.AsUtc);
            Assert.Equal(maintenance.Status == MaintenanceStatus.Cancelled ? "CANCELLED" : "CONFIRMED", e.Status);
            Assert.Equal($"https://status.tidewater.example/maintenance/{maintenance.Id}", e.Url!.AbsoluteUri);
        }
        Assert.Equal("CANCELLED", calendar.Events.Single(e => e.Uid!.Contains("2026-09-15-dashboard-database-migration",
            StringComparison.Ordinal)).Status);
    }

    [Fact]
    public async Task A_change_to_a_maintenance_keeps_its_uid_raises_its_sequence_and_leaves_the_other_events_alone()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        var before = await Events(client);

        var cancelled = await ledger.AppendAsync(new PostMaintenanceUpdate(Upcoming, MaintenanceStatus.Cancelled,
            "The new hardware has not arrived; we will announce a new date.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty), "tester");
        var after = await Events(client);

        Assert.True(cancelled.Succeeded, cancelled.Violation?.Message);
        var uid = $"maintenance-{Upcoming}@status.tidewater.example";
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before[uid].Sequence + 1, after[uid].Sequence);
        Assert.Equal("CONFIRMED", before[uid].Status);
        Assert.Equal("CANCELLED", after[uid].Status);
        Assert.Equal(before[uid].Start, after[uid].Start);
        Assert.All(before.Keys.Where(k => k != uid), k => Assert.Equal(before[k], after[k]));
    }

    private sealed record EventFacts(int Sequence, string? Status, DateTime? Start, DateTime? End, string? Summary);

    private static async Task<Dictionary<string, EventFacts>> Events(HttpClient client)
    {
        var calendar = Ical.Net.Calendar.Load(await client.GetStringAsync(new Uri("/maintenance.ics", UriKind.Relative)))!;
        return calendar.Events.ToDictionary(e => e.Uid!,
            e => new EventFacts(e.Sequence, e.Status, e.DtStart?.AsUtc, e.DtEnd?.AsUtc, e.Summary));
    }
}
