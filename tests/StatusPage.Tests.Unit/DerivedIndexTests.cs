using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Providers;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Unit;

// After a post, the read model's indexes over every incident and the pages' versions are brought from the previous snapshot's
// (SnapshotLineage), not rebuilt over the history. Each kind of write is followed here by a comparison of every derived index
// with the same snapshot's indexes built from scratch (a copy of it has no lineage), including the writes that make a
// derivation inexact (a reopened incident, a component's status or name), which must rebuild; and the windows of incidents
// reaching a time are compared with a filter over every incident, and an all-time account's downtime with the slices cut over
// the whole history.
public sealed class DerivedIndexTests : IDisposable
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void Every_index_derived_after_each_kind_of_write_equals_the_one_built_over_the_whole_history()
    {
        _t.Ok(new DeclareProvider("brightwave", "Brightwave Edge", null));
        Read();
        foreach (var (write, step) in Steps())
        {
            step();
            Assert.True(Read(), $"after {write}: the derived indexes differ from the rebuilt ones");
        }
    }

    // Posts outrun reads, and a page is read in one zone at a time: an index comes from the nearest ancestor that has it (for
    // that zone), across snapshots nobody read.
    [Fact]
    public void Indexes_derived_across_unread_snapshots_and_from_another_zones_reads_equal_the_rebuilt_ones()
    {
        _t.Ok(new DeclareProvider("brightwave", "Brightwave Edge", null));
        Read(TimeZoneInfo.Utc);
        foreach (var ((write, step), i) in Steps().Select((s, i) => (s, i)))
        {
            step();
            if (i % 2 == 1)
            {
                Assert.True(Read(i % 4 == 1 ? Paris : TimeZoneInfo.Utc), $"after {write}: the derived indexes differ from the rebuilt ones");
            }
        }
    }

    private (string Write, Action Do)[] Steps() =>
        [
            ("an incident opened 40 days ago", () => _t.Ok(new OpenIncident("net-1", "Private network down", Impact.Major,
                IncidentStatus.Investigating, "Looking.", TestLedger.Components(("private-network", ComponentStatus.MajorOutage)),
                new CauseInput(CauseKind.Upstream, "halden"), StartedAt: TestLedger.Start.AddDays(-40)))),
            ("an update", () => _t.Ok(new PostUpdate("net-1", IncidentStatus.Identified, "Found it."))),
            ("an incident at a month's edge (October in UTC, November in Paris)", () => _t.Ok(new OpenIncident("edge-1", "Night errors",
                Impact.Minor, IncidentStatus.Resolved, "Found later.", TestLedger.Components(("ingestion-api", ComponentStatus.Operational)),
                StartedAt: new DateTimeOffset(2026, 10, 31, 23, 30, 0, TimeSpan.Zero)))),
            ("its resolution", () => _t.Ok(new PostUpdate("net-1", IncidentStatus.Resolved, "Fixed.",
                TestLedger.Components(("private-network", ComponentStatus.Operational))))),
            ("a second incident", () => _t.Ok(new OpenIncident("api-1", "Slow writes", Impact.Minor, IncidentStatus.Investigating,
                "Looking.", TestLedger.Components(("ingestion-api", ComponentStatus.PartialOutage))))),
            ("another component named", () => _t.Ok(new PostUpdate("api-1", IncidentStatus.Identified, "Reads too.",
                TestLedger.Components(("query-api", ComponentStatus.PartialOutage))))),
            ("a provider's cause", () => _t.Ok(new AttributeCause("api-1", new CauseInput(CauseKind.Upstream, "brightwave", "BW-1")))),
            ("a provider's status observed", () => _t.Ok(new RecordProviderStatus("api-1", "halden", "minor", "Degraded", [],
                TestLedger.Start, "https://status.halden.example"))),
            ("the same component made worse by the same incident (a closed slice and the last one)", () =>
            {
                _t.Time.Advance(TimeSpan.FromMinutes(30));
                _t.Ok(new PostUpdate("api-1", IncidentStatus.Identified, "Worse.", TestLedger.Components(("ingestion-api", ComponentStatus.MajorOutage))));
            }),
            ("the second resolved", () => _t.Ok(new PostUpdate("api-1", IncidentStatus.Resolved, "Fixed.",
                TestLedger.Components(("ingestion-api", ComponentStatus.Operational), ("query-api", ComponentStatus.Operational))))),
            ("the first reopened (its months shrink to its start)", () => _t.Ok(new ReopenIncident("net-1", IncidentStatus.Investigating,
                "Back."))),
            ("a correction", () => _t.Ok(new CorrectPost(_t.State.Incidents["net-1"].AllPosts[0].Id, "Looking, again.", "Typo."))),
            ("a redaction", () => _t.Ok(new RedactPost(_t.State.Incidents["api-1"].AllPosts[1].Id, "A customer's name."))),
            ("a maintenance", () => _t.Ok(new ScheduleMaintenance("mnt-1", "Switch upgrade", ["private-network"], TestLedger.Start.AddDays(20),
                TestLedger.Start.AddDays(20).AddHours(2), "Planned."))),
            ("its update", () => _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.Scheduled, "Still planned."))),
            ("a second maintenance at the same start", () => _t.Ok(new ScheduleMaintenance("mnt-0", "Router upgrade", ["private-network"],
                TestLedger.Start.AddDays(20), TestLedger.Start.AddDays(20).AddHours(1), "Planned."))),
            ("it cancelled", () => _t.Ok(new PostMaintenanceUpdate("mnt-0", MaintenanceStatus.Cancelled, "Not needed."))),
            ("a cause no longer a provider's", () => _t.Ok(new AttributeCause("api-1", new CauseInput(CauseKind.Internal)))),
            ("a component's own status", () => _t.Ok(new SetComponentStatus("query-api", ComponentStatus.UnderMaintenance))),
            ("a component renamed", () => _t.Ok(new DeclareComponent("query-api", "Read API", "Reads", "api", 99.9m, 2))),
            ("the first resolved next month", () =>
            {
                _t.Time.Advance(TimeSpan.FromDays(10));
                _t.Ok(new PostUpdate("net-1", IncidentStatus.Resolved, "Fixed for good."));
            }),
            ("a third incident, started earlier than the second", () => _t.Ok(new OpenIncident("api-0", "Earlier writes", Impact.Minor,
                IncidentStatus.Resolved, "Found later.", TestLedger.Components(("ingestion-api", ComponentStatus.Operational)),
                StartedAt: TestLedger.Start.AddDays(-1)))),
            ("an older incident a provider caused", () => _t.Ok(new OpenIncident("old-1", "Old tunnel drops", Impact.Minor,
                IncidentStatus.Resolved, "Found later.", TestLedger.Components(("private-network", ComponentStatus.Operational)),
                new CauseInput(CauseKind.Upstream, "halden"), StartedAt: TestLedger.Start.AddDays(-50)))),
            ("a newer one", () => _t.Ok(new OpenIncident("new-1", "New tunnel drops", Impact.Minor, IncidentStatus.Investigating,
                "Looking.", TestLedger.Components(("private-network", ComponentStatus.PartialOutage)),
                new CauseInput(CauseKind.Upstream, "halden"), StartedAt: TestLedger.Start.AddDays(-2)))),
            ("the middle one's cause confirmed (moved within its provider's list)", () => _t.Ok(new AttributeCause("net-1",
                new CauseInput(CauseKind.Upstream, "halden", "HD-7")))),
            ("the newer one resolved", () => _t.Ok(new PostUpdate("new-1", IncidentStatus.Resolved, "Fixed.",
                TestLedger.Components(("private-network", ComponentStatus.Operational))))),
        ];

    // Reads every index of the current snapshot (so the next snapshot derives from it), the pages' versions in `zones` (UTC and
    // Paris when none is given), and compares each with a rebuilt one.
    private bool Read(params TimeZoneInfo[] zones)
    {
        var derived = _t.State;
        var rebuilt = derived with { };
        var now = _t.Time.GetUtcNow();
        var same = Same(derived.IncidentsNewestFirst, rebuilt.IncidentsNewestFirst)
            && Same(derived.IncidentsOldestFirst, rebuilt.IncidentsOldestFirst)
            && Same(derived.UnresolvedIncidents, rebuilt.UnresolvedIncidents)
            && derived.Components.Keys.All(c => Same(derived.IncidentsNaming(c), rebuilt.IncidentsNaming(c)))
            && derived.Components.Keys.All(c => Same(derived.IncidentsConcerning(c), rebuilt.IncidentsConcerning(c))
                && Same(derived.IncidentsConcerning(c), derived.IncidentsNewestFirst.Where(i => i.ComponentIds.Contains(c)
                    || i.AllPosts.Any(p => p.ComponentChanges.Any(change => change.ComponentId == c)))))
            // A provider's incidents: those any of whose causes named it, oldest first, as the providers' accounts read them.
            && derived.Providers.Keys.All(p => Same(derived.IncidentsEverAttributedTo(p), rebuilt.IncidentsEverAttributedTo(p))
                && Same(derived.IncidentsEverAttributedTo(p), derived.IncidentsOldestFirst.Where(i => i.Causes.Any(a => a.Cause.Kind == CauseKind.Upstream
                    && a.Cause.ProviderId == p))))
            && derived.LatestIncidentUpdate == rebuilt.LatestIncidentUpdate
            && derived.LatestMaintenanceUpdate == rebuilt.LatestMaintenanceUpdate
            && derived.LatestMaintenanceUpdate == derived.Maintenances.Values.Select(m => (DateTimeOffset?)m.UpdatedAt).Max();
        // The window the uptime bars and month pages read: the same incidents as a filter over every one of them.
        foreach (var from in new[] { now.AddDays(-90), now.AddDays(-30), now.AddDays(-1), now, TestLedger.Start.AddDays(-41) })
        {
            foreach (var component in derived.Components.Keys.Append(null))
            {
                var all = component is null ? derived.IncidentsNewestFirst.AsEnumerable() : derived.IncidentsNaming(component);
                same &= Same(derived.IncidentsReaching(from, component),
                    all.Where(i => i.StartedAt >= from || i.ResolvedAt is not { } resolved || resolved >= from));
            }
        }
        // The maintenances by start, a window of them, and those not done: the same as filters over every one of them.
        var byStart = derived.Maintenances.Values.OrderBy(m => m.ScheduledFor).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
        same &= derived.MaintenancesByStart.SequenceEqual(byStart)
            && derived.MaintenancesNotDone.SequenceEqual(byStart.Where(m => m.Status is not (MaintenanceStatus.Completed or MaintenanceStatus.Cancelled)));
        foreach (var (from, to) in new[] { (now, now.AddDays(30)), (TestLedger.Start.AddDays(20), TestLedger.Start.AddDays(20).AddTicks(1)),
            (TestLedger.Start.AddDays(21), TestLedger.Start.AddDays(22)), (DateTimeOffset.MinValue, DateTimeOffset.MaxValue) })
        {
            same &= derived.MaintenancesStartingWithin(from, to).SequenceEqual(byStart.Where(m => m.ScheduledFor >= from && m.ScheduledFor < to));
        }
        // An all-time account's downtime: the same sums, by source and by component, as the slices cut over the whole history.
        foreach (var to in new[] { now, now.AddMinutes(1), now.AddDays(3) })
        {
            var allTime = AllTimeDowntime.Until(derived, to)!;
            var cut = DowntimeSlices.In(derived, DateTimeOffset.MinValue, to).ToList();
            same &= derived.Incidents.Keys.Concat(derived.Maintenances.Keys).All(id => allTime.MinutesOf(id).SequenceEqual(
                    cut.Where(s => s.SourceId == id).GroupBy(s => s.ComponentId).Select(g => (g.Key, g.Sum(s => s.Minutes)))))
                && allTime.ByComponent().OrderBy(p => p.Key).SequenceEqual(
                    cut.GroupBy(s => s.ComponentId).ToDictionary(g => g.Key, g => g.Sum(s => s.Minutes)).OrderBy(p => p.Key));
            // Each provider's all-time account and total read those sums: the same figures as a window from the first tick,
            // which cuts every slice again (DowntimeSlices.In).
            var providers = derived.Providers.Values.ToList();
            var totals = ProviderAccount.TotalsForEach(derived, providers, DateTimeOffset.MinValue, to);
            foreach (var (provider, total) in providers.Zip(totals))
            {
                var (account, windowed) = (ProviderAccount.For(derived, provider, DateTimeOffset.MinValue, to, Paris),
                    ProviderAccount.For(derived, provider, DateTimeOffset.MinValue.AddTicks(1), to, Paris));
                same &= account.Incidents.Select(i => i.Downtime).SequenceEqual(windowed.Incidents.Select(i => i.Downtime), DowntimeRows)
                    && account.DowntimeByComponent.SequenceEqual(windowed.DowntimeByComponent)
                    && account.AllDowntimeByComponent.OrderBy(p => p.Key).SequenceEqual(windowed.AllDowntimeByComponent.OrderBy(p => p.Key))
                    && total.Incidents == account.Incidents.Length && total.DowntimeMinutes == account.DowntimeMinutes;
            }
        }
        var (versions, fresh) = (ContentVersions.Of(derived).Prepare(), ContentVersions.Of(rebuilt).Prepare());
        foreach (var zone in zones.Length > 0 ? zones : [TimeZoneInfo.Utc, Paris])
        {
            foreach (var path in Addresses(derived))
            {
                same &= versions.VersionOf(path, zone, now) == fresh.VersionOf(path, zone, now);
            }
        }
        return same;
    }

    private static readonly EqualityComparer<ImmutableArray<ComponentDowntime>> DowntimeRows =
        EqualityComparer<ImmutableArray<ComponentDowntime>>.Create((a, b) => a.SequenceEqual(b), a => a.Length);

    private static bool Same(IEnumerable<Incident> derived, IEnumerable<Incident> rebuilt) =>
        derived.SequenceEqual(rebuilt, ReferenceEqualityComparer.Instance);

    private static IEnumerable<string> Addresses(StatusSnapshot snapshot)
    {
        foreach (var id in snapshot.Incidents.Keys)
        {
            yield return $"/incidents/{id}";
        }
        foreach (var id in snapshot.Maintenances.Keys)
        {
            yield return $"/maintenance/{id}";
        }
        foreach (var id in snapshot.Components.Keys)
        {
            yield return $"/components/{id}";
        }
        for (var month = new DateOnly(2026, 9, 1); month <= new DateOnly(2027, 1, 1); month = month.AddMonths(1))
        {
            yield return $"/history/{month:yyyy}/{month:MM}";
            yield return $"/sla/{month:yyyy}/{month:MM}";
        }
        foreach (var id in snapshot.Providers.Keys)
        {
            yield return $"/providers/{id}";
            yield return $"/providers/{id}/2026";
            yield return $"/providers/{id}/2025";
        }
        yield return "/maintenance.ics";
        yield return "/history.atom";
        // The ledger's first page: a redaction in it raises its version.
        yield return "/api/v1/ledger";
    }
}
