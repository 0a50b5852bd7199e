using System.Globalization;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The incident permalink, reached the way a reader does (from the home page), with and without JavaScript.
[Collection(SharedPublicSite.Name)]
public sealed class IncidentPageTests(BrowserFixture fixture)
{
    // A reader far from the site's zone, so that the optional script's rewrite of <time> is observable.
    private const string ReaderTimeZone = "America/New_York";
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    // From the home page, click each open incident's title; its permalink lists every status update of the content file,
    // in order, with its time (in the site's zone from the server, in the reader's zone once the optional script ran).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Following_the_open_incident_from_the_home_page_shows_every_update_in_order_with_its_time(bool javaScript)
    {
        var options = new BrowserNewContextOptions { Locale = "en-US", TimezoneId = ReaderTimeZone };
        await using var context = javaScript
            ? await fixture.NewContextAsync(options)
            : await PublicPages.NewContextWithoutJavaScriptAsync(fixture, options);
        var page = await PublicPages.OpenAsync(context, PublicPages.Home);
        var openIncidents = DemoContent.OpenIncidents();
        Assert.NotEmpty(openIncidents);

        foreach (var incident in openIncidents)
        {
            var link = page.Locator($"article.incident[id='incident-{incident.Id}'] h3 a");
            var title = PublicPages.Squash(await link.InnerTextAsync());
            await link.ClickAsync();
            await PublicPages.WaitForPageAsync(page, PublicPages.At("/incidents/" + incident.Id), page.Locator("main h1", new PageLocatorOptions { HasTextString = title }));

            Assert.Equal("/incidents/" + incident.Id, PublicPages.PathAndQuery(page));
            Assert.Equal(title, PublicPages.Squash(await page.Locator("main h1").InnerTextAsync()));
            await AssertStatusUpdatesAsync(page.Locator(StatusUpdateItems), incident.StatusUpdates(), javaScript);
            // The note under the page names the zone the times are shown in: the reader's once the script ran.
            var zoneNote = PublicPages.Squash(await page.Locator("footer [data-local-zone]").InnerTextAsync());
            Assert.StartsWith(javaScript ? $"Times in your time zone ({ReaderTimeZone})" : "Times in Europe/Paris (UTC+0", zoneNote,
                StringComparison.Ordinal);

            await page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });
            await PublicPages.WaitForPageAsync(page, PublicPages.At("/"), page.Locator("section.banner h1"));
            Assert.Equal("/", PublicPages.PathAndQuery(page));
        }
    }

    [Fact]
    public async Task Reboot_incident_shows_its_updates_and_the_correction_in_time_order_the_original_superseded_with_a_word_diff()
    {
        await using var context = await PublicPages.NewContextWithoutJavaScriptAsync(fixture);
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        var incident = SiteContent.Incident(PublicPages.RebootIncidentId);
        var updates = incident.StatusUpdates();
        var corrections = incident.Corrections();
        Assert.Equal(8, updates.Count);
        Assert.Single(corrections);

        await AssertStatusUpdatesAsync(page.Locator(StatusUpdateItems), updates, javaScript: false);
        // Nine items in all, in stated-time order: eight status updates and the correction at its own time.
        var all = page.Locator("ol.timeline > li.post");
        Assert.Equal(updates.Select(u => u.StatedAt).Concat(corrections.Select(c => c.Correction.StatedAt)).Order().Select(Iso), await TimesAsync(all));

        foreach (var (correction, corrects) in corrections)
        {
            var original = page.Locator(StatusUpdateItems).Filter(new LocatorFilterOptions { Has = page.Locator($":scope > .post-head > time[datetime='{Iso(corrects)}']") });
            Assert.Equal(1, await original.CountAsync());
            var box = page.Locator("ol.timeline > li.post-correction").Filter(new LocatorFilterOptions { Has = page.Locator($":scope > .post-head > time[datetime='{Iso(correction.StatedAt)}']") });
            Assert.Equal(1, await box.CountAsync());
            Assert.True(await box.IsVisibleAsync(), "the correction is not visible");
            Assert.Equal("Correction", PublicPages.Squash(await box.Locator(".post-head strong.label").InnerTextAsync()));
            Assert.Contains(correction.Metadata["reason"], PublicPages.Squash(await box.Locator(".correction-of").InnerTextAsync()), StringComparison.Ordinal);
            Assert.Contains(correction.PlainTextOpening, PublicPages.Squash(await box.Locator(":scope > .body").InnerTextAsync()), StringComparison.Ordinal);
            // What changed: the false sentence struck out, the true one added, as text.
            Assert.Contains("could not be stored and are lost", PublicPages.Squash(string.Join(" ", await box.Locator(".diff del").AllInnerTextsAsync())), StringComparison.Ordinal);
            Assert.Contains("No data was lost", PublicPages.Squash(string.Join(" ", await box.Locator(".diff ins").AllInnerTextsAsync())), StringComparison.Ordinal);

            // The original stays readable, marked superseded and set back; each links to the other.
            var originalId = await original.GetAttributeAsync("id");
            var correctionId = await box.GetAttributeAsync("id");
            Assert.True(await original.Locator(":scope > .body").IsVisibleAsync(), "the corrected update's own text is not shown");
            Assert.Contains("superseded", await original.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
            var (originalColor, normalColor) = (await original.Locator(":scope > .body").EvaluateAsync<string>("e => getComputedStyle(e).color"),
                await page.Locator("main h1").EvaluateAsync<string>("e => getComputedStyle(e).color"));
            Assert.NotEqual(normalColor, originalColor);
            Assert.Equal("#" + correctionId, await original.Locator(":scope > .post-head a.corrected").GetAttributeAsync("href"));
            Assert.Equal("#" + originalId, await box.Locator(".correction-of a").GetAttributeAsync("href"));
        }
        Assert.Equal(corrections.Count, await page.Locator("ol.timeline > li.post-correction").CountAsync());

        var postmortem = page.Locator("section.postmortem");
        Assert.True(await postmortem.IsVisibleAsync(), "the postmortem is not shown");
        var postmortemSection = incident.Sections.Single(s => s.What == "postmortem");
        Assert.Equal(Iso(postmortemSection.StatedAt), await postmortem.Locator(".post-head > time").GetAttributeAsync("datetime"));
        var headings = incident.PostmortemHeadings();
        Assert.NotEmpty(headings);
        Assert.Equal(headings, (await postmortem.Locator(".body h3").AllInnerTextsAsync()).Select(PublicPages.Squash));
    }

    // The "corrected" mark of an update links to its correction, on the same page.
    internal static async Task AssertCorrectedMarkLeadsToTheCorrectionAsync(BrowserFixture fixture)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        var original = page.Locator("ol.timeline > li.post", new PageLocatorOptions { Has = page.Locator(":scope > .post-head a.corrected") });
        Assert.Equal(1, await original.CountAsync());
        var correctionId = await page.Locator("ol.timeline > li.post-correction").GetAttributeAsync("id");

        await original.Locator(":scope > .post-head a.corrected").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(PublicPages.WithFragment);

        await AssertAtAsync(page, PublicPages.Incident.Path, correctionId!);
    }

    // A correction links back to the update it corrects, on the same page.
    internal static async Task AssertCorrectionLeadsBackToTheOriginalAsync(BrowserFixture fixture)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        var original = page.Locator("ol.timeline > li.post.superseded");
        Assert.Equal(1, await original.CountAsync());
        var originalId = await original.GetAttributeAsync("id");

        await page.Locator("ol.timeline > li.post-correction .correction-of a").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(PublicPages.WithFragment);

        await AssertAtAsync(page, PublicPages.Incident.Path, originalId!);
    }

    [Fact]
    public async Task Newest_first_link_reverses_the_timeline_and_oldest_first_restores_it_without_javascript()
    {
        await using var context = await PublicPages.NewContextWithoutJavaScriptAsync(fixture);
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        var updates = SiteContent.Incident(PublicPages.RebootIncidentId).StatusUpdates();
        var posts = page.Locator(StatusUpdateItems);

        await page.Locator("p.order a", new PageLocatorOptions { HasTextString = "Newest first" }).ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At(PublicPages.Incident.Path + "?order=newest"),
            page.Locator("p.order strong", new PageLocatorOptions { HasTextString = "Newest first" }));

        Assert.Equal(PublicPages.Incident.Path + "?order=newest", PublicPages.PathAndQuery(page));
        Assert.Equal(updates.Reverse().Select(u => Iso(u.StatedAt)), await TimesAsync(posts));
        Assert.NotNull(await page.Locator("ol.timeline").GetAttributeAsync("reversed"));
        Assert.Equal("Newest first", PublicPages.Squash(await page.Locator("p.order strong").InnerTextAsync()));
        Assert.Equal(1, await page.Locator("ol.timeline > li.post-correction").CountAsync());

        await page.Locator("p.order a", new PageLocatorOptions { HasTextString = "Oldest first" }).ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At(PublicPages.Incident.Path),
            page.Locator("p.order strong", new PageLocatorOptions { HasTextString = "Oldest first" }));

        Assert.Equal(PublicPages.Incident.Path, PublicPages.PathAndQuery(page));
        Assert.Equal(updates.Select(u => Iso(u.StatedAt)), await TimesAsync(posts));
        Assert.Null(await page.Locator("ol.timeline").GetAttributeAsync("reversed"));
    }

    [Theory]
    [InlineData("/incidents/no-such-incident")]
    [InlineData("/components/no-such-component")]
    [InlineData("/maintenance/no-such-maintenance")]
    [InlineData("/history/2026/13")]
    public async Task Unknown_address_shows_the_not_found_page_in_the_site_style_with_a_way_back(string path)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, path, status: 404);

        Assert.Equal("Not found", PublicPages.Squash(await page.Locator("main h1").InnerTextAsync()));
        Assert.True(await page.Locator("header.site-header").IsVisibleAsync(), "the 404 page has no site header");
        var back = page.Locator("main a", new PageLocatorOptions { HasTextString = "Back to the current status" });
        await back.ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/"), page.Locator("section.banner h1"));
        Assert.True(await page.Locator("section.banner h1").IsVisibleAsync(), "following 'Back to the current status' did not show the status banner");
    }

    // Still on the same page, scrolled to the element the fragment names, which is visible.
    private static async Task AssertAtAsync(IPage page, string path, string id)
    {
        Assert.True(PublicPages.PathAndQuery(page) == path, $"the link left the incident page: now at {page.Url}, expected {path}#{id}");
        Assert.Equal("#" + id, PublicPages.Fragment(page));
        Assert.Equal(id, await page.EvaluateAsync<string?>("() => document.querySelector(':target')?.id ?? null"));
        var target = page.Locator("#" + id);
        Assert.True(await target.IsVisibleAsync(), $"#{id} is not visible");
        await Assertions.Expect(target).ToBeInViewportAsync();
    }

    // Each post's time, status label and opening text match the content file's section, in the same order.
    private static async Task AssertStatusUpdatesAsync(ILocator posts, IReadOnlyList<ContentSection> updates, bool javaScript)
    {
        Assert.Equal(updates.Select(u => Iso(u.StatedAt)), await TimesAsync(posts));
        var all = await posts.AllAsync();
        foreach (var (post, update) in all.Zip(updates))
        {
            Assert.Equal(update.What, PublicPages.Squash(await post.Locator(":scope > .post-head strong.label").InnerTextAsync()), ignoreCase: true);
            var time = post.Locator(":scope > .post-head > time");
            var serverText = SiteContent.ServerTimeText(update.StatedAt, English);
            var shown = PublicPages.Squash(await time.InnerTextAsync());
            if (javaScript)
            {
                // localtime.js keeps the server's text as the title and shows the reader's own zone.
                var title = await time.GetAttributeAsync("title");
                Assert.True(title is not null, $"localtime.js did not rewrite the time of the {update.What} update ('{shown}' has no title, still the server's text)");
                Assert.Equal(serverText, title);
                var local = TimeZoneInfo.ConvertTime(update.StatedAt, TimeZoneInfo.FindSystemTimeZoneById(ReaderTimeZone));
                Assert.Contains(local.ToString("MMM d, yyyy", English), shown, StringComparison.Ordinal);
                Assert.Contains(local.ToString("hh:mm", English), shown, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(serverText, shown);
            }
            Assert.Contains(update.PlainTextOpening, PublicPages.Squash(await post.Locator(":scope > .body").InnerTextAsync()), StringComparison.Ordinal);
        }
    }

    private static async Task<IReadOnlyList<string>> TimesAsync(ILocator posts)
    {
        var times = new List<string>();
        foreach (var post in await posts.AllAsync())
        {
            var datetime = await post.Locator(":scope > .post-head > time[datetime]").GetAttributeAsync("datetime");
            Assert.False(string.IsNullOrEmpty(datetime), "a post has no time[datetime]");
            times.Add(Iso(SiteContent.Utc(datetime)));
        }
        return times;
    }

    // The timeline's status updates (a correction is an item of its own).
    internal const string StatusUpdateItems = "ol.timeline > li.post:not(.post-correction)";

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
