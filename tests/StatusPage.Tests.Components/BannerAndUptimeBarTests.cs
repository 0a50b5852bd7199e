using System.Collections.Immutable;
using Bunit;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.PublicSite;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Components;

public sealed class BannerAndUptimeBarTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly BunitContext _context = PublicComponentContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static ServiceComponent Component(string id, params StatusChange[] changes) =>
        new(id, id.ToUpperInvariant(), null, null, 99.9m, 0, Now.AddDays(-100), Now, [.. changes]);

    private static StatusSnapshot Site(params ServiceComponent[] components) => StatusSnapshot.Empty with
    {
        Components = components.ToImmutableDictionary(c => c.Id),
    };

    private string Banner(StatusSnapshot snapshot) =>
        _context.Render<StatusBanner>(p => p.Add(b => b.Overall, OverallStatus.Of(snapshot))).Find("h1").TextContent;

    [Fact]
    public void An_empty_site_is_all_operational()
    {
        Assert.Equal("All systems operational", Banner(StatusSnapshot.Empty));
    }

    [Fact]
    public void The_banner_names_the_worst_component_status()
    {
        var degraded = Component("a", new StatusChange(Now.AddHours(-1), ComponentStatus.DegradedPerformance, null, 1));
        var major = Component("b", new StatusChange(Now.AddHours(-1), ComponentStatus.MajorOutage, null, 2));
        var maintenance = Component("c", new StatusChange(Now.AddHours(-1), ComponentStatus.UnderMaintenance, null, 3));

        Assert.Equal("Minor service outage", Banner(Site(degraded)));
        Assert.Equal("Major service outage", Banner(Site(degraded, major)));
        Assert.Equal("Service under maintenance", Banner(Site(maintenance)));
        Assert.Contains("banner-critical", _context.Render<StatusBanner>(p => p.Add(b => b.Overall, OverallStatus.Of(Site(major)))).Markup,
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_open_incident_shows_at_least_a_minor_outage_even_with_all_components_operational()
    {
        var incident = new Incident("i", "Something", Impact.None, [], Now.AddHours(-1), Cause.Unknown, [], Now, Now, "ops");

        Assert.Equal("Minor service outage", Banner(StatusSnapshot.Empty with
        {
            Incidents = ImmutableDictionary<string, Incident>.Empty.Add("i", incident),
        }));
    }

    [Fact]
    public void The_uptime_bar_has_one_keyboard_reachable_link_per_day_naming_date_status_and_incidents()
    {
        var component = Component("storage", new StatusChange(Now.AddDays(-3).AddHours(-2), ComponentStatus.PartialOutage, "inc", 1),
            new StatusChange(Now.AddDays(-3).AddHours(-1), ComponentStatus.Operational, "inc", 2));
        var incident = new Incident("inc", "Storage unreachable", Impact.Major, ["storage"], Now.AddDays(-3).AddHours(-2), Cause.Unknown,
            [new Post("p", 1, PostKind.Update, "resolved", Now.AddDays(-3).AddHours(-1), Now, "ops", "Fixed", "sha", [], null, null, null, [], null)],
            Now, Now, "ops");
        var snapshot = Site(component) with { Incidents = ImmutableDictionary<string, Incident>.Empty.Add("inc", incident) };
        var days = UptimeCalculator.Days(snapshot, component, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), Now, 90);

        var bar = _context.Render<UptimeBar>(p => p.Add(b => b.Component, component).Add(b => b.Days, days));

        var links = bar.FindAll("ol.bar a.d");
        Assert.Equal(90, links.Count);
        Assert.All(links, a => Assert.StartsWith("/history/", a.GetAttribute("href"), StringComparison.Ordinal));
        var outage = Assert.Single(links, a => a.ClassList.Contains("s3"));
        Assert.Equal("21 Nov 2026: Partial outage · Storage unreachable", outage.TextContent);
        Assert.Equal("/history/2026/11#incident-inc", outage.GetAttribute("href"));
        Assert.Equal("24 Nov 2026: Operational", links[^1].TextContent);
        Assert.Equal("/history/2026/11", links[^1].GetAttribute("href"));
    }
}
