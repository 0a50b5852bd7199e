using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The public pages in French: chosen by the browser's language, or by the header's visible switch (remembered).
[Collection(SharedPublicSite.Name)]
public sealed class FrenchUiTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Browser_asking_for_french_gets_the_home_page_in_french()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR" });
        var page = await PublicPages.OpenAsync(context, PublicPages.Home);

        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Perturbation mineure", PublicPages.Squash(await page.Locator("section.banner h1").InnerTextAsync()));
        Assert.StartsWith("Composants", PublicPages.Squash(await page.Locator("#components-heading").InnerTextAsync()), StringComparison.Ordinal);
        var labels = (await page.Locator("article.incident ol.timeline > li.post > .post-head strong.label").AllInnerTextsAsync()).Select(PublicPages.Squash).ToList();
        Assert.Contains("Analyse en cours", labels);
        Assert.Contains("Cause identifiée", labels);
        Assert.DoesNotContain("Investigating", labels);
        Assert.Equal("English", PublicPages.Squash(await page.Locator("header.site-header nav a[hreflang=en]").InnerTextAsync()));
    }

    [Fact]
    public async Task Browser_asking_for_french_gets_the_incident_page_with_french_labels_and_dates()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR" });
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);

        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        var facts = PublicPages.Squash(await page.Locator("dl.facts").InnerTextAsync());
        Assert.Contains("Composants touchés", facts, StringComparison.Ordinal);
        Assert.Contains("Interne", facts, StringComparison.Ordinal);
        Assert.Equal("Chronologie", PublicPages.Squash(await page.Locator("main h2").First.InnerTextAsync()));
        Assert.Equal("Post-mortem", PublicPages.Squash(await page.Locator("section.postmortem h2").InnerTextAsync()));
        // Times formatted per culture: the server's text (kept by the script as the title) uses French month names.
        var first = page.Locator("ol.timeline > li.post").First.Locator(".post-head > time");
        var serverText = await first.GetAttributeAsync("title") ?? await first.InnerTextAsync();
        Assert.Equal(SiteContent.ServerTimeText(SiteContent.Utc("2026-08-19T12:52:00Z"), System.Globalization.CultureInfo.GetCultureInfo("fr")), serverText);
        Assert.Contains("août", serverText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_language_link_switches_an_english_page_to_french_under_fr_and_links_stay_french()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));

        var french = page.Locator("header.site-header nav a[hreflang=fr]");
        Assert.Equal("français", PublicPages.Squash(await french.InnerTextAsync()));
        await french.ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/fr" + PublicPages.Incident.Path), page.Locator("html[lang=fr]"));

        Assert.Equal("/fr" + PublicPages.Incident.Path, PublicPages.PathAndQuery(page));
        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Chronologie", PublicPages.Squash(await page.Locator("main h2").First.InnerTextAsync()));

        // The next page, reached by a link, is still French although the browser asks for English: its address says so.
        await page.Locator("header.site-header nav a[href='/fr/history']").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/fr/history"), page.Locator("main h1", new PageLocatorOptions { HasTextString = "Historique" }));
        Assert.Equal("fr", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Historique des incidents", PublicPages.Squash(await page.Locator("main h1").InnerTextAsync()));

        // Back to English: the switch remembers the choice (cookie) and lands on the unprefixed page.
        await page.Locator("header.site-header nav a[hreflang=en]").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/history"), page.Locator("html[lang=en]"));
        Assert.Equal("/history", PublicPages.PathAndQuery(page));
    }
}
