using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

[Collection(SharedPublicSite.Name)]
public sealed partial class HomePageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Home_page_shows_the_banner_the_components_and_every_update_of_the_open_incident_newest_first()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await OpenHomeAsync(context);

        await AssertHomePageIsCompleteAsync(page);
    }

    [Fact]
    public async Task Home_page_is_complete_with_javascript_disabled()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var probe = await context.NewPageAsync();
        await probe.SetContentAsync("<p id=probe>off</p><script>document.getElementById('probe').textContent = 'on'</script>");
        Assert.Equal("off", await probe.Locator("#probe").InnerTextAsync());

        var page = await OpenHomeAsync(context);

        await AssertHomePageIsCompleteAsync(page);
    }

    [Fact]
    public async Task Home_page_stylesheets_are_served_and_applied()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var stylesheets = new List<IResponse>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "stylesheet")
            {
                stylesheets.Add(response);
            }
        };
        var home = await page.GotoAsync("/") ?? throw new InvalidOperationException("no response for /");
        Assert.Equal(200, home.Status);
        Assert.Null(await home.HeaderValueAsync("server"));

        Assert.Equal(await page.Locator("link[rel=stylesheet]").CountAsync(), stylesheets.Count);
        Assert.NotEmpty(stylesheets);
        foreach (var stylesheet in stylesheets)
        {
            Assert.Equal(200, stylesheet.Status);
            Assert.StartsWith("text/css", await stylesheet.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
            Assert.NotEmpty(await stylesheet.BodyAsync());
        }
        var ruleCount = await page.EvaluateAsync<int>("() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)");
        Assert.True(ruleCount > 0, "the page's stylesheets hold no CSS rules");
        var bannerBackground = await page.Locator("section.banner").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual("rgba(0, 0, 0, 0)", bannerBackground);
    }

    [Fact]
    public async Task Footer_shows_the_ledger_head_that_the_api_reports_as_verified()
    {
        await using var context = await fixture.NewContextAsync();
        var api = await context.APIRequest.GetAsync("/api/v1/ledger/head");
        Assert.Equal(200, api.Status);
        var head = await api.JsonAsync() ?? throw new InvalidOperationException("empty body from /api/v1/ledger/head");
        var seq = head.GetProperty("seq").GetInt64();
        var hash = head.GetProperty("hash").GetString() ?? "";
        Assert.True(head.GetProperty("verified").GetBoolean(), "the ledger head is not verified: " + head);
        Assert.True(seq > 0, "the demo content should have produced ledger entries, head seq is " + seq);

        var page = await OpenHomeAsync(context);
        var footer = page.Locator("footer.site-footer");
        var footerText = await footer.InnerTextAsync();
        var shown = LedgerHeadText().Match(footerText);

        Assert.True(shown.Success, "no 'Ledger entry #<seq>' in the footer: " + footerText);
        Assert.Equal(seq, long.Parse(shown.Groups["seq"].Value, CultureInfo.InvariantCulture));
        Assert.True(hash.Length >= 16, "the API's head hash is too short: " + hash);
        Assert.Equal(hash[..16], (await footer.Locator("code").InnerTextAsync()).Trim());
    }

    private static async Task<IPage> OpenHomeAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/") ?? throw new InvalidOperationException("no response for /");
        Assert.Equal(200, response.Status);
        return page;
    }

    private static async Task AssertHomePageIsCompleteAsync(IPage page)
    {
        var openIncidents = DemoContent.OpenIncidents();
        Assert.NotEmpty(openIncidents);

        var banner = page.Locator("section.banner h1");
        Assert.True(await banner.IsVisibleAsync(), "the status banner is not visible");
        var bannerText = (await banner.InnerTextAsync()).Trim();
        Assert.NotEqual("", bannerText);
        Assert.NotEqual("All Systems Operational", bannerText);

        await AssertComponentsAsync(page, openIncidents);

        Assert.Equal(openIncidents.Count, await page.Locator("article.incident").CountAsync());
        foreach (var incident in openIncidents)
        {
            await AssertTimelineAsync(page, incident);
        }
    }

    private static async Task AssertComponentsAsync(IPage page, IReadOnlyList<ContentIncident> openIncidents)
    {
        var declared = DemoContent.ComponentNames();
        var items = page.Locator("section.components li.component");
        var shownNames = (await items.Locator(".name").AllInnerTextsAsync()).Select(n => n.Trim());
        Assert.Equal(declared.Values.Order(StringComparer.Ordinal), shownNames.Order(StringComparer.Ordinal));

        foreach (var (componentId, status) in openIncidents.SelectMany(i => i.LatestComponentStatuses()))
        {
            var item = items.Filter(new LocatorFilterOptions { Has = page.Locator(".name", new PageLocatorOptions { HasTextString = declared[componentId] }) });
            Assert.Equal(1, await item.CountAsync());
            Assert.Equal(status.Replace('_', ' '), (await item.Locator(".st").InnerTextAsync()).Trim(), ignoreCase: true);
        }
    }

    private static async Task AssertTimelineAsync(IPage page, ContentIncident incident)
    {
        var article = page.Locator($"article.incident[id='incident-{incident.Id}']");
        Assert.Equal(1, await article.CountAsync());
        var posts = await article.Locator("ol.timeline > li.post").AllAsync();

        var shownTimes = new List<DateTimeOffset>();
        foreach (var post in posts)
        {
            var datetime = await post.Locator(".post-head > time[datetime]").GetAttributeAsync("datetime");
            Assert.False(string.IsNullOrEmpty(datetime), "a post has no time[datetime]");
            shownTimes.Add(DateTimeOffset.Parse(datetime, CultureInfo.InvariantCulture).ToUniversalTime());
        }
        // Newest first on the home page: the current state is the first thing under the title.
        var newestFirst = incident.Sections.Reverse().ToList();
        Assert.Equal(newestFirst.Select(s => s.StatedAt.ToUniversalTime()), shownTimes);
        Assert.Contains("post-latest", await posts[0].GetAttributeAsync("class") ?? "", StringComparison.Ordinal);

        foreach (var (post, section) in posts.Zip(newestFirst))
        {
            var label = (await post.Locator(".post-head strong").InnerTextAsync()).Trim();
            Assert.Equal(section.What, label, ignoreCase: true);
            var body = Whitespace().Replace(await post.Locator(".body").InnerTextAsync(), " ");
            Assert.Contains(section.PlainTextOpening, body, StringComparison.Ordinal);
        }
    }

    // "This page as of ledger entry #N" (issue 15: the entry at which the page last changed; the home page shows everything current).
    [GeneratedRegex(@"[Ll]edger entry #(?<seq>\d+)")]
    private static partial Regex LedgerHeadText();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
