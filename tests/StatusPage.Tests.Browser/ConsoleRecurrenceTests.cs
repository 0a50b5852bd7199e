using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// In Chromium against the real server: opening a demo incident that began at :56 on the private network, the console's incident
// view says at once which recurring pattern it falls on, at a desktop and a phone width.
public sealed class ConsoleRecurrenceTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Theory]
    [InlineData(1280, 900)]
    [InlineData(375, 812)]
    public async Task The_incident_view_says_the_incident_matches_the_56_pattern_with_its_occurrence_and_odds(int width, int height)
    {
        await using var context = await fixture.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/admin");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(ConsoleFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" }).WaitForAsync();

        // A full load of the WebAssembly app, then the incident and its recurrence reads.
        await page.GotoAsync("/admin/incidents/2026-09-02-private-network-fra1");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Private network between FRA1 and AMS2 interrupted" }).WaitForAsync();
        var hints = page.GetByTestId("recurrence-hint");
        await Assertions.Expect(hints).ToHaveCountAsync(2, new() { Timeout = 30_000 });

        // 2 September 2026, 03:56 in Paris: the 14th of the 17 starts at :56, on the component and on Halden Hosting alike.
        await Assertions.Expect(hints.Nth(0)).ToContainTextAsync(
            "This matches the :56 pattern on Private network between data centers: 14th occurrence (by chance: less than 1 in 10²³)");
        await Assertions.Expect(hints.Nth(1)).ToContainTextAsync("This matches the :56 pattern on Halden Hosting: 14th occurrence");
        var path = Path.Combine(TestPaths.TestOutput, $"console-incident-recurrence-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "the incident view scrolls sideways");
    }
}
