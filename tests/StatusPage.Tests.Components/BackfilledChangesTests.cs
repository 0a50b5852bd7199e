using System.Collections.Immutable;
using Bunit;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.PublicSite;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Components;

// Issue 13: a status change stated well before it was recorded is shown where it changed the story (component page, bar day).
public sealed class BackfilledChangesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 13, 5, 0, TimeSpan.Zero);
    private BunitContext _context = PublicComponentContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    // Major outage live at 01:00 UTC (02:00 in Paris); "operational from 02:10 UTC" recorded by alice at 13:05 UTC; imported history on 1 Dec.
    private static (ServiceComponent Component, StatusSnapshot Snapshot) PrivateNetwork()
    {
        var imported = new StatusChange(Now.AddDays(-1).AddHours(-3), ComponentStatus.PartialOutage, "old", 1, Now.AddDays(-20),
            "content/incidents/old.md");
        var restored = new StatusChange(Now.AddDays(-1).AddHours(-2), ComponentStatus.Operational, "old", 2, Now.AddDays(-20),
            "content/incidents/old.md");
        var live = new StatusChange(Now.AddHours(-12).AddMinutes(-5), ComponentStatus.MajorOutage, null, 10, Now.AddHours(-12).AddMinutes(-5), "bob");
        var backfilled = new StatusChange(Now.AddHours(-10).AddMinutes(-55), ComponentStatus.Operational, null, 11, Now, "alice");
        var component = new ServiceComponent("private-network", "Private network", null, null, 99.9m, 0, Now.AddDays(-3), Now,
            [imported, restored, live, backfilled]);
        return (component, StatusSnapshot.Empty with { Components = ImmutableDictionary<string, ServiceComponent>.Empty.Add(component.Id, component) });
    }

    [Fact]
    public void The_component_page_lists_a_backfilled_change_with_its_stated_and_recorded_times_and_author_but_not_imported_history()
    {
        var (component, snapshot) = PrivateNetwork();

        var section = _context.Render<BackfilledChanges>(p => p.Add(b => b.Component, component).Add(b => b.Snapshot, snapshot));

        var item = Assert.Single(section.FindAll("li.backfilled-change"));
        Assert.Equal("Marked operational from 2 Dec 2026, 03:10, recorded 2 Dec 2026, 14:05 by alice",
            string.Join(" ", item.TextContent.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(2, item.QuerySelectorAll("time[data-local]").Length);
    }

    [Fact]
    public async Task In_french_the_change_reads_in_french()
    {
        await _context.DisposeAsync();
        _context = PublicComponentContext.Create("fr");
        var (component, snapshot) = PrivateNetwork();

        var section = _context.Render<BackfilledChanges>(p => p.Add(b => b.Component, component).Add(b => b.Snapshot, snapshot));

        Assert.Contains("Marqué «\u00a0opérationnel\u00a0» à partir du", section.Find("li.backfilled-change").TextContent, StringComparison.Ordinal);
        Assert.Contains("enregistré le", section.Find("li.backfilled-change").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_listed_for_a_component_whose_only_late_history_was_imported()
    {
        var (component, snapshot) = PrivateNetwork();
        component = component with { Changes = component.Changes.RemoveRange(2, 2) };

        var section = _context.Render<BackfilledChanges>(p => p.Add(b => b.Component, component).Add(b => b.Snapshot, snapshot));

        Assert.Empty(section.FindAll("li"));
    }

    [Fact]
    public void The_bar_day_the_backfilled_change_altered_names_it_and_days_before_the_first_record_have_no_figure()
    {
        var (component, snapshot) = PrivateNetwork();
        var days = UptimeCalculator.Days(snapshot, component, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), Now, 90);

        var bar = _context.Render<UptimeBar>(p => p.Add(b => b.Component, component).Add(b => b.Days, days));

        var links = bar.FindAll("ol.bar a.d");
        // 2 Dec (Paris): major 02:00–03:10 local, 70 min of the 14 h 05 min counted so far.
        Assert.Equal("2 Dec 2026: Major outage (91.715 %) — Marked operational from 2 Dec 2026, 03:10, recorded 2 Dec 2026, 14:05 by alice",
            links[^1].TextContent);
        Assert.DoesNotContain("Marked", links[^2].TextContent, StringComparison.Ordinal); // imported history is not listed per day
        Assert.StartsWith("29 Nov 2026: Operational (100.000 %)", links[^4].TextContent, StringComparison.Ordinal); // declared 14:05
        Assert.Equal("28 Nov 2026: no data (before the first record)", links[^5].TextContent);
        Assert.Contains("none", links[^5].ClassList);
    }
}
