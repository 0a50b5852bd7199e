using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// Every day of the 90-day bar is a link: reachable with Tab, its text (date, worst status, incidents) shown on focus.
[Collection(SharedPublicSite.Name)]
public sealed partial class UptimeBarKeyboardTests(BrowserFixture fixture)
{
    private const string FirstBarDays = "section.components li.component >> nth=0 >> ol.bar a.d";

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(375, 667)]
    public async Task Tab_from_the_top_of_the_home_page_reaches_the_first_day_then_moves_day_by_day_showing_each_days_text(int width, int height)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await PublicPages.OpenAsync(context, PublicPages.Home);
        var days = page.Locator(FirstBarDays);
        Assert.Equal(90, await days.CountAsync());

        // From the top of the page: Tab until the first day of the first component has focus.
        var presses = 0;
        while (!await IsFocusedAsync(days.First) && presses < 300)
        {
            await page.Keyboard.PressAsync("Tab");
            presses++;
        }
        Assert.True(await IsFocusedAsync(days.First), $"300 Tab presses from the top never focused the first day of the first uptime bar; focus is on {await ActiveElementAsync(page)}");

        for (var i = 0; i < 90; i++)
        {
            if (i > 0)
            {
                await page.Keyboard.PressAsync("Tab");
            }
            var day = days.Nth(i);
            Assert.True(await IsFocusedAsync(day), $"after Tab, day {i + 1} of 90 is not focused; focus is on {await ActiveElementAsync(page)}");
            await AssertTextIsShownAsync(page, day, i, width);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Enter_on_a_day_with_an_incident_opens_the_history_month_at_that_incident(bool javaScript)
    {
        await using var context = javaScript ? await fixture.NewContextAsync() : await PublicPages.NewContextWithoutJavaScriptAsync(fixture);
        var page = await PublicPages.OpenAsync(context, PublicPages.Home);
        var day = page.Locator(FirstBarDays).Filter(new LocatorFilterOptions { HasTextString = " · " }).First;
        var text = PublicPages.Squash(await day.TextContentAsync() ?? "");
        var match = DayText().Match(text);
        Assert.True(match.Success, "the day's text does not read '<date>: <status> · <incidents>': " + text);
        var date = DateOnly.ParseExact(match.Groups["date"].Value, "d MMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en"));
        var path = $"/history/{date:yyyy}/{date:MM}";
        var href = await day.GetAttributeAsync("href") ?? "";
        Assert.StartsWith(path + "#incident-", href, StringComparison.Ordinal);
        var fragment = href[path.Length..];

        await day.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await PublicPages.WaitForPageAsync(page, PublicPages.At(path + fragment), page.Locator("section.month"));

        Assert.Equal(path, PublicPages.PathAndQuery(page));
        Assert.Equal(fragment, PublicPages.Fragment(page));
        var target = page.Locator("li.entry" + fragment);
        Assert.Equal(1, await target.CountAsync());
        await Assertions.Expect(target).ToBeInViewportAsync();
        var titles = match.Groups["incidents"].Value.Split(" · ");
        Assert.Contains(PublicPages.Squash(await target.Locator("a").InnerTextAsync()), titles);
        var listed = (await page.Locator("li.entry a").AllInnerTextsAsync()).Select(PublicPages.Squash).ToList();
        foreach (var title in titles)
        {
            Assert.Contains(title, listed);
        }
    }

    // Every day of every bar on the home page that names incidents links to /history/YYYY/MM#incident-ID: that month lists
    // each of the day's incidents, each once, and the link lands on one of them.
    internal static async Task AssertEveryIncidentDayLinksToTheHistoryMonthAtOneOfItsIncidentsAsync(BrowserFixture fixture)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, PublicPages.Home);
        var days = new List<(string Href, string[] Titles)>();
        foreach (var day in await page.Locator("section.components ol.bar a.d").Filter(new LocatorFilterOptions { HasTextString = " · " }).AllAsync())
        {
            var match = DayText().Match(PublicPages.Squash(await day.TextContentAsync() ?? ""));
            Assert.True(match.Success, "a day's text does not read '<date>: <status> · <incidents>'");
            days.Add((await day.GetAttributeAsync("href") ?? "", match.Groups["incidents"].Value.Split(" · ")));
        }
        Assert.NotEmpty(days);

        var problems = new List<string>();
        foreach (var month in days.GroupBy(d => d.Href.Split('#')[0]))
        {
            var history = await PublicPages.OpenAsync(context, month.Key);
            var ids = await history.Locator("li.entry").EvaluateAllAsync<string[]>("es => es.map(e => e.id)");
            problems.AddRange(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{month.Key}: {g.Key} is listed {g.Count()} times"));
            var listed = (await history.Locator("li.entry a").AllInnerTextsAsync()).Select(PublicPages.Squash).ToList();
            foreach (var (href, titles) in month.DistinctBy(d => d.Href + string.Join('|', d.Titles)))
            {
                var target = history.Locator("li.entry#" + href.Split('#')[1]);
                if (await target.CountAsync() != 1)
                {
                    problems.Add($"{href}: no entry with that id on {month.Key} (for {string.Join(" · ", titles)})");
                    continue;
                }
                var landed = PublicPages.Squash(await target.Locator("a").InnerTextAsync());
                if (!titles.Contains(landed))
                {
                    problems.Add($"{href}: lands on '{landed}', not on one of the day's incidents ({string.Join(" · ", titles)})");
                }
                problems.AddRange(titles.Where(t => !listed.Contains(t)).Select(t => $"{href}: the month does not list '{t}' (it lists: {string.Join(" | ", listed)})"));
            }
            await history.CloseAsync();
        }
        Assert.True(problems.Count == 0, $"{problems.Count} day link(s) of the uptime bars land nowhere useful:\n" + string.Join('\n', problems.Distinct()));
    }

    // The focused day's text is no longer clipped to 1 px, lies inside the viewport and names a date and a status.
    private static async Task AssertTextIsShownAsync(IPage page, ILocator day, int index, int viewportWidth)
    {
        var label = day.Locator("span");
        var box = await label.BoundingBoxAsync() ?? throw new InvalidOperationException($"day {index + 1}: its text has no box");
        var clip = await label.EvaluateAsync<string>("e => getComputedStyle(e).clipPath");
        var text = PublicPages.Squash(await label.InnerTextAsync());
        var where = $"day {index + 1} ('{text}'): box x={box.X:0.#} y={box.Y:0.#} w={box.Width:0.#} h={box.Height:0.#}, clip-path {clip}";
        Assert.True(box.Height > 1, "the focused day's text is still visually hidden: " + where);
        Assert.Equal("none", clip);
        Assert.True(box.X >= 0 && box.X + box.Width <= viewportWidth, $"the focused day's text overflows the {viewportWidth} px viewport: " + where);
        var scrollY = await page.EvaluateAsync<double>("() => scrollY");
        Assert.True(box.Y >= 0, "the focused day's text is above the top of the viewport: " + where + $", scrollY {scrollY}");
        Assert.Matches(DayText(), text);
    }

    private static Task<bool> IsFocusedAsync(ILocator element) => element.EvaluateAsync<bool>("e => e === document.activeElement");

    private static Task<string> ActiveElementAsync(IPage page) =>
        page.EvaluateAsync<string>("() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 200) : 'nothing'; }");

    [GeneratedRegex(@"^(?<date>\d{1,2} [A-Z][a-z]{2} \d{4}): (?<status>Operational|Degraded performance|Partial outage|Major outage|Under maintenance) \(\d{1,3}\.\d{3} %\)(?: · (?<incidents>.+))?$")]
    private static partial Regex DayText();
}
