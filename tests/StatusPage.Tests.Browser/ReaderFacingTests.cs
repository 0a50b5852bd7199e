using System.Globalization;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The demo as a new reader saw it on 2 December 2026 (issue 13): the open incident nine days old, its promise long past.
public sealed class SecondOfDecemberFixture() : ServerAndBrowser(new StatusPageFactory(kestrel: true,
    now: new DateTimeOffset(2026, 12, 2, 14, 0, 0, TimeSpan.Zero)));

public sealed class ReaderFacingTests(SecondOfDecemberFixture fixture) : IClassFixture<SecondOfDecemberFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    private const string OpenIncident = "2026-11-23-query-latency-long-range";
    private const string OpenTitle = "Elevated query latency for long-range queries";

    private async Task<IPage> OpenAsync(string path, int width = 1280, string locale = "en-US", bool javaScript = false)
    {
        var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 667 },
            DeviceScaleFactor = 1,
            Locale = locale,
            JavaScriptEnabled = javaScript,
        });
        _contexts.Add(context);
        return await PublicPages.OpenAsync(context, path);
    }

    [Fact]
    public async Task History_lists_an_ongoing_incident_once_in_each_month_it_touched_with_its_span()
    {
        var page = await OpenAsync("/history");

        foreach (var month in new[] { "m-2026-12", "m-2026-11" })
        {
            var entries = page.Locator($"section.month:has(h2#{month}) li.entry", new PageLocatorOptions { HasTextString = OpenTitle });
            Assert.Equal(1, await entries.CountAsync());
            Assert.Equal("23 Nov 2026 – ongoing", PublicPages.Squash(await entries.Locator(".when").InnerTextAsync()));
            Assert.Equal("incident-" + OpenIncident, await entries.GetAttributeAsync("id"));
        }
        // Before, the incident was listed under each of its ten days; now no entry is listed twice in a month.
        var november = await OpenAsync("/history/2026/11");
        var ids = await november.Locator("li.entry").EvaluateAllAsync<string[]>("es => es.map(e => e.id)");
        Assert.Equal(ids.Distinct().Count(), ids.Length);
        Assert.Equal("18 Nov 2026 – 19 Nov 2026", PublicPages.Squash(await november.Locator("li.entry.maintenance .when").First.InnerTextAsync()));
    }

    [Fact]
    public async Task Home_card_on_a_phone_shows_the_latest_update_first_within_the_first_screen_and_its_promise_as_overdue()
    {
        var page = await OpenAsync("/", width: 375);
        var card = page.Locator($"article.incident#incident-{OpenIncident}");
        var posts = card.Locator("ol.timeline > li.post");

        var first = posts.First;
        Assert.Equal("2026-11-23T22:36:00Z", await first.Locator(":scope > .post-head > time").GetAttributeAsync("datetime"));
        Assert.Contains("post-latest", await first.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        var tag = first.Locator(".latest-tag");
        Assert.Equal("Latest update", PublicPages.Squash(await tag.InnerTextAsync()));
        var box = await tag.BoundingBoxAsync() ?? throw new InvalidOperationException("the latest-update tag has no box");
        Assert.True(box.Y + box.Height <= 667, $"the latest update starts {box.Y:0} px down, below a 375 × 667 phone's first screen");
        Assert.Equal(["2026-11-23T22:36:00Z", "2026-11-23T20:48:00Z", "2026-11-23T20:21:00Z"],
            await posts.Locator(":scope > .post-head > time").EvaluateAllAsync<string[]>("ts => ts.map(t => t.getAttribute('datetime'))"));

        var promise = first.Locator(".next-update");
        Assert.Equal("Overdue: the next update was promised by 24 Nov 2026, 08:00", PublicPages.Squash(await promise.InnerTextAsync()));
        Assert.Contains("overdue", await promise.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator(".next-update").CountAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/incidents/" + OpenIncident)]
    public async Task A_passed_promise_is_overdue_in_french_too(string path)
    {
        var page = await OpenAsync(path, locale: "fr-FR");

        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("En retard\u00a0: la prochaine mise à jour était promise avant 24 nov. 2026, 08:00",
            (await page.Locator(".next-update.overdue").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task French_durations_use_j_for_days_and_labels_a_space_before_the_colon()
    {
        var page = await OpenAsync("/", locale: "fr-FR");
        var card = page.Locator($"article.incident#incident-{OpenIncident}");

        var duration = card.Locator("dl.facts div", new LocatorLocatorOptions { Has = page.Locator("dt", new PageLocatorOptions { HasTextString = "Durée" }) });
        Assert.Equal("8 j 17 h (en cours)", PublicPages.Squash(await duration.Locator("dd").InnerTextAsync()));
        Assert.Equal("\"\u00a0: \"", await duration.Locator("dt").EvaluateAsync<string>("e => getComputedStyle(e, '::after').content"));
        Assert.StartsWith("Créneau\u00a0: ", (await page.Locator("article.maintenance p.window").First.InnerTextAsync()).Trim(), StringComparison.Ordinal);
        var history = await OpenAsync("/history", locale: "fr-FR");
        Assert.Contains("8 j 17 h", await history.Locator($"li.entry#incident-{OpenIncident} .meta").First.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imported_history_says_once_where_it_came_from_instead_of_backfilled_on_every_update()
    {
        var page = await OpenAsync("/");
        var card = page.Locator($"article.incident#incident-{OpenIncident}");

        Assert.Equal("Imported from content/ on 2 Dec 2026; times as stated by the author.",
            PublicPages.Squash(await card.Locator(".imported-note").InnerTextAsync()));
        Assert.Equal(0, await card.Locator(".backfilled").CountAsync());
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task Maintenance_window_line_reads_as_text_without_gaps_or_split_times(int width)
    {
        var page = await OpenAsync("/", width: width, javaScript: true);
        var line = page.Locator("article.maintenance p.window").First;

        Assert.Equal("block", await line.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        // No fragment stands apart: the first time follows "Window:" as the next word does (a flex gap was 24 px).
        var gap = await line.EvaluateAsync<double>("e => { const l = e.querySelector('strong').getBoundingClientRect(), t = e.querySelector('time').getClientRects()[0]; return t.top > l.bottom - 2 ? 0 : t.left - l.right; }");
        Assert.InRange(gap, 0, 12);
        // Each time stays whole on one line, whatever the width.
        foreach (var time in await line.Locator("time").AllAsync())
        {
            Assert.Equal(1, await time.EvaluateAsync<int>("e => e.getClientRects().length"));
        }
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"the home page scrolls sideways at {width} px: {scrollWidth}");
    }

    [Fact]
    public async Task Uptime_bars_have_a_key_and_a_bar_with_amber_days_says_they_count_as_up()
    {
        var page = await OpenAsync("/");

        Assert.Equal(5, await page.Locator("section.components ul.bar-key li").CountAsync());
        var query = page.Locator("li.component#component-query-api");
        Assert.True(await query.Locator("ol.bar a.d.s2").CountAsync() > 0, "the Query API bar shows no degraded day");
        Assert.Contains("(degraded days count as up)", await query.Locator(".uptime-figure").InnerTextAsync(), StringComparison.Ordinal);
        var network = page.Locator("li.component#component-private-network");
        Assert.Equal(0, await network.Locator("ol.bar a.d.s2").CountAsync());
        Assert.Equal(0, await network.Locator(".degraded-note").CountAsync());
    }

    // Screenshots for people to look at (test-output/reader-*.png).
    [Theory]
    [InlineData("home", "/", 1280)]
    [InlineData("home", "/", 375)]
    [InlineData("incident-correction", "/incidents/" + PublicPages.RebootIncidentId, 1280)]
    [InlineData("incident-correction", "/incidents/" + PublicPages.RebootIncidentId, 375)]
    [InlineData("history", "/history", 1280)]
    [InlineData("history", "/history", 375)]
    [InlineData("maintenance", "/maintenance/2027-04-18-ams2-storage-hardware-refresh", 1280)]
    [InlineData("maintenance", "/maintenance/2027-04-18-ams2-storage-hardware-refresh", 375)]
    [InlineData("home-fr", "/", 375)]
    public async Task Reader_pages_are_saved_as_full_page_pngs(string name, string path, int width)
    {
        var page = await OpenAsync(path, width: width, locale: name.EndsWith("-fr", StringComparison.Ordinal) ? "fr-FR" : "en-US", javaScript: true);

        await Screenshots.SaveFullPageAsync(page, $"reader-{name}-{width.ToString(CultureInfo.InvariantCulture)}.png", width, 667);
    }
}
