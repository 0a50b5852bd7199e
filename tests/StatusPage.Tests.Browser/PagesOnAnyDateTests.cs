using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The pages whose content depends on "now" (what the 90-day bars hold, what is upcoming, ongoing or in this month), served
// by a server whose clock starts at far-apart dates: a date-dependent layout bug shows up here, not on a random morning.
public sealed class PagesOnAnyDateTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] Pages = ["/", "/history", "/components/private-network", "/components/ingestion-api", "/uptime"];
    // 320 to 1280 px, with 640 px where the labels move from the bar's edges to their own days.
    private static readonly int[] Widths = [320, 375, 640, 1280];

    // Every day of every bar focused in turn: its label must lie inside the viewport and the page must not widen.
    private const string DayLabelsOutsideTheViewport = """
        () => {
          const width = window.innerWidth, bad = [];
          for (const day of document.querySelectorAll('ol.bar a.d')) {
            day.focus({ preventScroll: true });
            const box = day.querySelector('span').getBoundingClientRect();
            const scrollWidth = document.documentElement.scrollWidth;
            if (box.left < 0 || box.right > width || scrollWidth > width) {
              bad.push(`'${day.textContent.trim()}' left=${Math.round(box.left)} right=${Math.round(box.right)} scrollWidth=${scrollWidth}`);
            }
          }
          document.activeElement?.blur();
          return bad.slice(0, 5);
        }
        """;

    public static TheoryData<string> Dates() =>
    [
        "2026-11-24T12:00:00Z", // the day after the newest demo entry (the default test clock)
        "2026-12-02T08:00:00Z", // the morning a day's label in the middle of the bar overflowed a phone's viewport
        "2026-12-24T12:00:00Z", // 30 days on: the newest incidents move along the bars
        "2027-04-18T22:00:00Z", // during a scheduled maintenance window
        "2027-11-24T12:00:00Z", // a year on: empty bars, history months with nothing new
        "2026-11-12T20:00:00Z", // before some demo entries: an incident still open, later files not yet true
    ];

    [Theory]
    [MemberData(nameof(Dates))]
    public async Task Date_dependent_pages_answer_200_and_nothing_leaves_the_viewport_from_320_to_1280_px(string now)
    {
        await using var server = new StatusPageFactory(kestrel: true,
            now: DateTimeOffset.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        server.StartServer();
        var problems = new List<string>();
        foreach (var width in Widths)
        {
            await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = server.ListeningAddress().ToString(),
                ViewportSize = new ViewportSize { Width = width, Height = 800 },
                DeviceScaleFactor = 1,
            });
            foreach (var path in Pages)
            {
                var page = await PublicPages.OpenAsync(context, path);
                var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                if (scrollWidth > width)
                {
                    problems.Add($"{path} at {width} px scrolls sideways: scrollWidth {scrollWidth}");
                }
                var labels = await page.EvaluateAsync<string[]>(DayLabelsOutsideTheViewport);
                problems.AddRange(labels.Select(l => $"{path} at {width} px: a focused day's label leaves the viewport: {l}"));
                await page.CloseAsync();
            }

            var summary = await context.APIRequest.GetAsync("/api/v2/summary.json");
            Assert.Equal(200, summary.Status);
            using var json = JsonDocument.Parse(await summary.TextAsync());
            Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("components").ValueKind);
        }
        Assert.True(problems.Count == 0, $"on {now}:\n" + string.Join('\n', problems));
    }
}

// One headless Chromium, for tests that start their own servers.
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the fixture is not initialized");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await ServerAndBrowser.LaunchChromiumAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
