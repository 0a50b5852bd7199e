using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The "Verify this history" page and the footer that links it, on a phone: long keys, notes and commands scroll inside
// their own boxes, never the page.
public sealed class VerifyPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("en-US", "Verify this history")]
    [InlineData("fr-FR", "Vérifier cet historique")]
    public async Task The_footer_link_opens_the_verify_page_which_fits_375_px_without_horizontal_scrolling(string locale, string title)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 375, Height = 667 },
            Locale = locale,
            DeviceScaleFactor = 1,
        });
        var page = await PublicPages.OpenAsync(context, "/");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 375, "the home page scrolls sideways");

        // French pages link under /fr/ (the language by address, as a static export serves it).
        var verify = locale.StartsWith("fr", StringComparison.Ordinal) ? "/fr/verify" : "/verify";
        await page.Locator($"footer.site-footer a[href='{verify}']").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At(verify), page.Locator("article.verify-page"));

        Assert.Equal(title, (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.True(await page.Locator("pre.proof-text").CountAsync() >= 4, "the key, checkpoint and commands are not all shown");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 375, $"the verify page scrolls horizontally at 375 px: scrollWidth is {scrollWidth}");
        await Screenshots.SaveFullPageAsync(page, $"verify-{locale}-mobile.png", 375, 667);
    }
}
