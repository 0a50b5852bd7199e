using Microsoft.Extensions.Logging.Abstractions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Content;
using StatusPage.Server.Site;

namespace StatusPage.Tests.Unit;

// The demo history shipped in content/ loads cleanly and tells the stories the product exists for.
public sealed class DemoContentTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create(seed: false);
    private readonly IngestReport _report;

    public DemoContentTests()
    {
        _report = new ContentIngestor(_t.Ledger, new SiteSettingsHolder(), NullLogger<ContentIngestor>.Instance)
            .IngestAsync(TestPaths.RepositoryContent).GetAwaiter().GetResult();
    }

    public void Dispose() => _t.Dispose();

    [Fact]
    public void The_demo_content_loads_without_a_single_problem()
    {
        Assert.True(_report.Problems.IsEmpty, string.Join("\n", _report.Problems));
    }

    [Fact]
    public async Task Ingesting_the_demo_content_again_after_a_restart_reports_nothing_and_appends_nothing()
    {
        var head = _t.State.Head;
        _t.Restart();

        var again = await new ContentIngestor(_t.Ledger, new SiteSettingsHolder(), NullLogger<ContentIngestor>.Instance)
            .IngestAsync(TestPaths.RepositoryContent);

        Assert.True(again.Problems.IsEmpty, string.Join("\n", again.Problems));
        Assert.Equal(0, again.Appended);
        Assert.Equal(head, _t.State.Head);
    }

    [Fact]
    public void The_demo_has_at_least_30_incidents_over_at_least_6_months_and_one_still_open()
    {
        var incidents = _t.State.Incidents.Values.ToList();

        Assert.True(incidents.Count >= 30, $"{incidents.Count} incidents");
        var span = incidents.Max(i => i.StartedAt) - incidents.Min(i => i.StartedAt);
        Assert.True(span >= TimeSpan.FromDays(180), $"spans {span.TotalDays:F0} days");
        Assert.NotEmpty(_t.State.UnresolvedIncidents);
        Assert.All(incidents, i => Assert.True(i.StartedAt < TestLedger.Start));
    }

    [Fact]
    public void The_recurring_private_network_incidents_all_begin_at_minute_56_and_blame_the_upstream_provider()
    {
        var recurring = _t.State.Incidents.Values
            .Where(i => i.Cause.Kind == CauseKind.Upstream && i.ComponentIds.Contains("private-network"))
            .ToList();

        Assert.True(recurring.Count >= 10, $"{recurring.Count} recurring incidents");
        Assert.All(recurring, i => Assert.Equal(56, i.StartedAt.Minute));
        Assert.All(recurring, i => Assert.Equal("halden", i.Cause.ProviderId));
        Assert.All(recurring, i => Assert.False(string.IsNullOrEmpty(i.Cause.Ticket)));
    }

    [Fact]
    public void The_region_reboot_has_a_dense_timeline_a_correction_and_a_postmortem()
    {
        var reboot = _t.State.Incidents.Values.Single(i => i.Impact == Impact.Critical && i.Cause.Kind == CauseKind.Internal);

        Assert.True(reboot.Updates.Count() >= 8);
        Assert.Contains(reboot.AllPosts, p => p.Kind == Server.History.PostKind.Correction);
        Assert.NotNull(reboot.Postmortem);
    }

    [Fact]
    public void There_is_completed_and_upcoming_maintenance()
    {
        var maintenances = _t.State.Maintenances.Values.ToList();

        Assert.Contains(maintenances, m => m.Status == MaintenanceStatus.Completed);
        Assert.Contains(maintenances, m => m.Status == MaintenanceStatus.Scheduled && m.ScheduledFor > TestLedger.Start.AddMonths(3));
    }
}
