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
            [new Post("p", 1, PostKind.Update, PostStatus.Of(IncidentStatus.Resolved), Now.AddDays(-3).AddHours(-1), Now, "ops", "Fixed", BodyDigest.Of("sha"), [], null, null, null, [], null)],
            Now, Now, "ops");
        var snapshot = Site(component) with { Incidents = ImmutableDictionary<string, Incident>.Empty.Add("inc", incident) };
        var days = UptimeCalculator.Days(snapshot, component, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), Now, 90);

        var bar = _context.Render<UptimeBar>(p => p.Add(b => b.Component, component).Add(b => b.Days, days));

        var links = bar.FindAll("ol.bar a.d");
        Assert.Equal(90, links.Count);
        Assert.All(links, a => Assert.StartsWith("/history/", a.GetAttribute("href"), StringComparison.Ordinal));
        var outage = Assert.Single(links, a => a.ClassList.Contains("s3"));
        Assert.Equal("21 Nov 2026: Partial outage (98.750 %) · Storage unreachable", outage.TextContent); // 60 min × 0.3 of 1,440
        Assert.Equal("/history/2026/11#incident-inc", outage.GetAttribute("href"));
        Assert.Equal("24 Nov 2026: Operational (100.000 %)", links[^1].TextContent);
        Assert.Equal("/history/2026/11", links[^1].GetAttribute("href"));
    }

    [Fact]
    public void The_bar_key_names_every_status_by_colour_and_by_height_and_symbol()
    {
        var items = _context.Render<UptimeKey>().FindAll("ul.bar-key li");

        Assert.Equal(["Operational", "Degraded performance", "Partial outage", "Major outage", "Under maintenance"],
            items.Select(i => i.TextContent.Trim()));
        // The swatch carries the bar day's class (colour and height); the name carries the status's symbol.
        Assert.Equal(["s0", "s2", "s3", "s4", "s1"], items.Select(i => i.QuerySelector(".k")!.ClassList.Single(c => c != "k")));
        Assert.Equal(["st-operational", "st-degraded_performance", "st-partial_outage", "st-major_outage", "st-under_maintenance"],
            items.Select(i => i.QuerySelector(".st")!.ClassList.Single(c => c != "st")));
    }

    [Fact]
    public void A_figure_whose_bar_shows_degraded_days_says_they_count_as_up_and_only_then()
    {
        var degraded = new UptimeDay(new DateOnly(2026, 11, 23), ComponentStatus.DegradedPerformance, 100, [], []);
        var fine = new UptimeDay(new DateOnly(2026, 11, 24), ComponentStatus.Operational, 100, [], []);

        Assert.Equal("(degraded days count as up)",
            _context.Render<DegradedNote>(p => p.Add(n => n.Days, [fine, degraded])).Find(".degraded-note").TextContent.Trim());
        Assert.Empty(_context.Render<DegradedNote>(p => p.Add(n => n.Days, [fine])).FindAll(".degraded-note"));
    }

    [Theory]
    [InlineData("fr", 8 * 24 + 7, "8 j 7 h")]
    [InlineData("fr", 24, "1 j")]
    [InlineData("en", 8 * 24 + 7, "8 d 7 h")]
    [InlineData("fr", 3, "3 h")]
    public void Durations_write_days_in_the_readers_language(string language, int hours, string expected)
    {
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(language);

        Assert.Equal(expected, PageText.Duration(TimeSpan.FromHours(hours)));
    }

    [Fact]
    public void French_labels_put_a_non_breaking_space_before_the_colon()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("fr");
        var redacted = new Post("p", 1, PostKind.Update, PostStatus.Of(IncidentStatus.Identified), Now, Now, "ops", null, BodyDigest.Of("sha"), [], null, null, null, [],
            new Redaction("r", "jeton collé", Now, "admin"));
        var component = Component("api", new StatusChange(Now.AddDays(-1), ComponentStatus.MajorOutage, null, 1));
        var days = UptimeCalculator.Days(Site(component), component, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), Now, 90);

        Assert.Equal("Masqué\u00a0: jeton collé", _context.Render<PostBody>(p => p.Add(b => b.Post, redacted)).Find(".redacted").TextContent);
        Assert.StartsWith("24 nov. 2026\u00a0: ", _context.Render<UptimeBar>(p => p.Add(b => b.Component, component).Add(b => b.Days, days))
            .FindAll("ol.bar a.d")[^1].TextContent, StringComparison.Ordinal);
    }
}
