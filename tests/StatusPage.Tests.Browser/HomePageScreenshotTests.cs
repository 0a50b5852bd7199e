using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// Full-page screenshots for people to look at (test-output/), plus what can be checked mechanically about the layout.
[Collection(SharedPublicSite.Name)]
public sealed class HomePageScreenshotTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("home-light.png", 1280, 800, ColorScheme.Light)]
    [InlineData("home-dark.png", 1280, 800, ColorScheme.Dark)]
    [InlineData("home-mobile.png", 375, 667, ColorScheme.Light)]
    public async Task Home_page_fits_the_viewport_width_and_is_saved_as_a_full_page_png(string file, int width, int height, ColorScheme scheme)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            DeviceScaleFactor = 1,
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/") ?? throw new InvalidOperationException("no response for /");
        Assert.Equal(200, response.Status);

        var dark = await page.EvaluateAsync<bool>("() => matchMedia('(prefers-color-scheme: dark)').matches");
        Assert.Equal(scheme == ColorScheme.Dark, dark);
        // The page follows the scheme (color-scheme: light dark): light text on dark, dark text on light.
        var textLuminance = await page.EvaluateAsync<double>(
            "() => { const [r, g, b] = getComputedStyle(document.body).color.match(/\\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; }");
        Assert.True(scheme == ColorScheme.Dark ? textLuminance > 0.5 : textLuminance < 0.5,
            $"body text luminance {textLuminance:0.00} does not suit the {scheme} colour scheme");
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"the page scrolls horizontally at {width} px: scrollWidth is {scrollWidth}");

        await Screenshots.SaveFullPageAsync(page, file, width, height);
    }
}
