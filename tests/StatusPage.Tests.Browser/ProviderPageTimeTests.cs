using System.Globalization;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The provider page's sentences about the provider's own status page (the demo's site zone is Europe/Paris) show their times
// as every other time on the page does: in the site's zone from the server, in the reader's once the optional script ran.
[Collection(SharedPublicSite.Name)]
public sealed class ProviderPageTimeTests(BrowserFixture fixture)
{
    private const string ReaderTimeZone = "America/New_York";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Observation_sentences_show_their_times_in_the_zone_of_the_incident_line_above_them(bool javaScript)
    {
        Assert.NotEqual(TimeSpan.Zero, SiteContent.SiteTimeZone().BaseUtcOffset);
        var options = new BrowserNewContextOptions { Locale = "en-US", TimezoneId = ReaderTimeZone };
        await using var context = javaScript
            ? await fixture.NewContextAsync(options)
            : await PublicPages.NewContextWithoutJavaScriptAsync(fixture, options);
        var page = await PublicPages.OpenAsync(context, PublicPages.Provider);
        var zone = javaScript ? TimeZoneInfo.FindSystemTimeZoneById(ReaderTimeZone) : SiteContent.SiteTimeZone();

        var entries = page.Locator("li.entry").Filter(new LocatorFilterOptions { Has = page.Locator(".provider-said") });
        Assert.Equal(3, await entries.CountAsync());
        for (var i = 0; i < 3; i++)
        {
            var entry = entries.Nth(i);
            var line = await TimesAsync(entry.Locator("span.meta").First.Locator("time"));
            var said = await TimesAsync(entry.Locator(".provider-said time"));
            var sentence = PublicPages.Squash(await entry.Locator(".provider-said").InnerTextAsync());
            Assert.StartsWith("During our outage ", sentence, StringComparison.Ordinal);
            Assert.DoesNotContain("UTC", sentence, StringComparison.Ordinal);
            Assert.True(said.Count >= 3, sentence);
            // The outage's start and end are the line's first two times: the same instants, shown in the same zone.
            Assert.Equal(line[0].At, said[0].At);
            Assert.Equal(line[1].At, said[1].At);
            Assert.Contains(said[0].Text, line[0].Text, StringComparison.Ordinal);
            Assert.Contains(said[1].Text, line[1].Text, StringComparison.Ordinal);
            // Every time of the sentence is its instant in that zone (12-hour with the script in en-US, 24-hour from the server).
            foreach (var (at, text) in said)
            {
                var local = TimeZoneInfo.ConvertTime(at, zone);
                Assert.Equal(local.ToString(javaScript ? "hh:mm tt" : "HH:mm", CultureInfo.GetCultureInfo("en-US")), text);
            }
        }
    }

    // The entry with the most observations, converted by the script, for people to look at (test-output/).
    [Fact]
    public async Task Observation_sentence_screenshots_at_1280_and_375_px()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", TimezoneId = ReaderTimeZone });
        var page = await PublicPages.OpenAsync(context, PublicPages.Provider);
        foreach (var width in new[] { 1280, 375 })
        {
            await page.SetViewportSizeAsync(width, 800);
            var entry = page.Locator("li.entry").Filter(new LocatorFilterOptions { Has = page.Locator(".provider-said") }).First;
            var path = Path.Combine(TestPaths.TestOutput, $"provider-observations-{width}.png");
            await entry.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
            Assert.True(new FileInfo(path).Length > 1000, path);
        }
    }

    private static async Task<List<(DateTimeOffset At, string Text)>> TimesAsync(ILocator times)
    {
        var found = new List<(DateTimeOffset, string)>();
        foreach (var time in await times.AllAsync())
        {
            found.Add((SiteContent.Utc((await time.GetAttributeAsync("datetime"))!), PublicPages.Squash(await time.InnerTextAsync())));
        }
        return found;
    }
}
