using StatusPage.Client.Contracts;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.Site;

namespace StatusPage.Tests.Unit;

// The site's and each component's feed skip the records whose newest item cannot enter the latest 50 (FeedItems.Choose), and a
// component's feed reads an index of the incidents concerning it instead of every post of the history. After each write here the
// chosen items must equal the latest 50 of every item of the records the feed covers, chosen by FeedItems.LatestFirst: more
// than 50 items per feed, ties on time (a fixed clock), posts stated in the past, a post on an incident that does not name the
// component it changes, a cause changed late, and maintenances.
public sealed class FeedChoiceTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    [Fact]
    public void Every_feed_holds_the_latest_50_of_all_its_items_after_each_write()
    {
        foreach (var (write, step) in Steps())
        {
            step();
            foreach (var component in _t.State.Components.Keys)
            {
                Assert.True(FeedItems.LatestForComponent(_t.State, SiteSettings.Default, component).SequenceEqual(EveryItemOf(component)),
                    $"after {write}: the feed of {component} differs from the latest 50 of all its items");
            }
            Assert.True(FeedItems.LatestForSite(_t.State, SiteSettings.Default).SequenceEqual(EveryItemOf(null)),
                $"after {write}: the site feed differs from the latest 50 of all its items");
        }
        Assert.Equal(50, FeedItems.LatestForComponent(_t.State, SiteSettings.Default, "ingestion-api").Count);
        Assert.Contains(FeedItems.LatestForComponent(_t.State, SiteSettings.Default, "ingestion-api"),
            item => item.Link.AbsoluteUri.Contains("/incidents/reads-1", StringComparison.Ordinal));
    }

    // The latest 50 of every item of the incidents naming the component or changing it in a post, and of its maintenances.
    private List<FeedItem> EveryItemOf(string? component)
    {
        var state = _t.State;
        var incidents = state.IncidentsNewestFirst.Where(i => component is null || i.ComponentIds.Contains(component)
            || i.AllPosts.Any(p => p.ComponentChanges.Any(c => c.ComponentId == component)));
        var maintenances = state.Maintenances.Values.Where(m => component is null || m.ComponentIds.Contains(component));
        return FeedItems.LatestFirst(incidents.SelectMany(i => FeedItems.OfIncident(state, SiteSettings.Default, i))
            .Concat(maintenances.SelectMany(m => FeedItems.OfMaintenance(state, SiteSettings.Default, m))));
    }

    private static DateTimeOffset StartOf(int n) => TestLedger.Start.AddHours(-2 * (30 - n));

    private IEnumerable<(string Write, Action Do)> Steps()
    {
        for (var n = 0; n < 30; n++)
        {
            var id = $"writes-{n}";
            yield return ($"incident {id} opened in the past", () => _t.Ok(new OpenIncident(id, "Slow writes", Impact.Minor,
                IncidentStatus.Investigating, "Looking.", TestLedger.Components(("ingestion-api", ComponentStatus.PartialOutage)),
                StartedAt: StartOf(n), StatedAt: StartOf(n))));
        }
        // Resolved when the next one started (tied on time with its opening, later in the ledger), or every third one at the
        // clock's time (tied with each other; only newer ones, since an older incident with a newer item would hide a wrong skip).
        for (var n = 0; n < 30; n++)
        {
            var (id, resolved) = ($"writes-{n}", n % 3 == 0 && n > 15 ? (DateTimeOffset?)null : StartOf(n + 1));
            yield return ($"incident {id} resolved", () => _t.Ok(new PostUpdate(id, IncidentStatus.Resolved, "Fixed.",
                TestLedger.Components(("ingestion-api", ComponentStatus.Operational)), StatedAt: resolved)));
        }
        // Each a newer item, moving the 50th item back one place at a time across the ties above.
        for (var n = 29; n > 23; n--)
        {
            var id = $"writes-{n}";
            yield return ($"a postmortem on {id}", () => _t.Ok(new PublishPostmortem(id, "Written up.")));
        }
        yield return ("an incident on reads", () => _t.Ok(new OpenIncident("reads-1", "Slow reads", Impact.Minor,
            IncidentStatus.Investigating, "Looking.", TestLedger.Components(("query-api", ComponentStatus.PartialOutage)))));
        yield return ("its post changing writes, which it does not name", () => _t.Ok(new PostUpdate("reads-1",
            IncidentStatus.Identified, "Writes too.", TestLedger.Components(("ingestion-api", ComponentStatus.PartialOutage)))));
        yield return ("a postmortem on an old incident, stated in the past", () => _t.Ok(new PublishPostmortem("writes-20",
            "Written up.", StatedAt: TestLedger.Start.AddHours(-17))));
        yield return ("a postmortem on the oldest incident, now", () => _t.Ok(new PublishPostmortem("writes-0", "Written up late.")));
        yield return ("an old incident's cause changed", () => _t.Ok(new AttributeCause("writes-3", new CauseInput(CauseKind.Internal))));
        yield return ("a maintenance on writes", () => _t.Ok(new ScheduleMaintenance("mnt-1", "Disk swap", ["ingestion-api"],
            TestLedger.Start.AddDays(2), TestLedger.Start.AddDays(2).AddHours(1), "Planned.")));
        yield return ("its update", () => _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.Scheduled, "Still planned.")));
        yield return ("a maintenance on the network", () => _t.Ok(new ScheduleMaintenance("mnt-2", "Switch upgrade", ["private-network"],
            TestLedger.Start.AddDays(3), TestLedger.Start.AddDays(3).AddHours(1), "Planned.")));
        yield return ("an update an hour later", () =>
        {
            _t.Time.Advance(TimeSpan.FromHours(1));
            _t.Ok(new PostUpdate("reads-1", IncidentStatus.Resolved, "Fixed.",
                TestLedger.Components(("ingestion-api", ComponentStatus.Operational), ("query-api", ComponentStatus.Operational))));
        });
    }
}
