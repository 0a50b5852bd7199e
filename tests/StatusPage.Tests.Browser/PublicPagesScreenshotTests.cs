using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// Full-page screenshots of the other public pages for people to look at (test-output/), and what can be checked
// mechanically about their styling: assets loaded, no sideways scroll on a phone, the print stylesheet.
[Collection(SharedPublicSite.Name)]
public sealed class PublicPagesScreenshotTests(BrowserFixture fixture)
{
    public static TheoryData<string, int> PagesAndPhoneWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var page in PublicPages.All)
        {
            data.Add(page.Name, 375);
            data.Add(page.Name, 320);
        }
        return data;
    }

    // The stylesheet and the optional script referenced by the page are served and the CSS is applied (they once
    // 404ed on every page below the root: relative URLs, and a <base> the CSP refused).
    [Theory]
    [MemberData(nameof(PublicPages.Names), MemberType = typeof(PublicPages))]
    public async Task Public_page_loads_its_stylesheet_and_script(string name)
    {
        var target = PublicPages.Named(name);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "stylesheet" or "script" && response.Status >= 400)
            {
                problems.Add($"{response.Request.ResourceType} {response.Url} answered {response.Status}");
            }
        };
        var response = await page.GotoAsync(target.Path) ?? throw new InvalidOperationException("no response for " + target.Path);
        Assert.Equal(target.Status, response.Status);

        var hrefs = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src)");
        var rules = await page.EvaluateAsync<int>("() => [...document.styleSheets].reduce((n, s) => { try { return n + s.cssRules.length; } catch { return n; } }, 0)");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.True(problems.Count == 0 && rules > 0 && background != "rgba(0, 0, 0, 0)",
            $"{target.Path}: its assets did not load ({rules} CSS rules applied, body background {background}); it references {string.Join(", ", hrefs)}; " +
            string.Join("; ", problems));
    }

    [Theory]
    [InlineData("incident-light.png", "incident", 1280, 800, ColorScheme.Light)]
    [InlineData("incident-dark.png", "incident", 1280, 800, ColorScheme.Dark)]
    [InlineData("incident-mobile.png", "incident", 375, 667, ColorScheme.Light)]
    [InlineData("history.png", "history", 1280, 800, ColorScheme.Light)]
    [InlineData("history-month.png", "history-month", 1280, 800, ColorScheme.Light)]
    [InlineData("component.png", "component", 1280, 800, ColorScheme.Light)]
    [InlineData("component-mobile.png", "component", 375, 667, ColorScheme.Light)]
    [InlineData("maintenance.png", "maintenance", 1280, 800, ColorScheme.Light)]
    [InlineData("uptime.png", "uptime", 1280, 800, ColorScheme.Light)]
    [InlineData("sla.png", "sla", 1280, 800, ColorScheme.Light)]
    [InlineData("sla-mobile.png", "sla", 375, 667, ColorScheme.Light)]
    [InlineData("not-found-dark.png", "not-found", 1280, 800, ColorScheme.Dark)]
    public async Task Public_page_is_saved_as_a_full_page_png(string file, string name, int width, int height, ColorScheme scheme)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            DeviceScaleFactor = 1,
        });
        var page = await PublicPages.OpenAsync(context, PublicPages.Named(name));

        await Screenshots.SaveFullPageAsync(page, file, width, height);
    }

    [Theory]
    [MemberData(nameof(PagesAndPhoneWidths))]
    public async Task Public_page_does_not_scroll_horizontally_on_a_phone(string name, int width)
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 667 },
            DeviceScaleFactor = 1,
        });
        var target = PublicPages.Named(name);
        var page = await PublicPages.OpenAsync(context, target);

        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        // On failure, name the elements that stick out on the right.
        var overflowing = scrollWidth <= width ? "" : await page.EvaluateAsync<string>(
            @"w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)
                .slice(0, 10).map(e => e.tagName.toLowerCase() + (e.className ? '.' + [...e.classList].join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right)).join('; ')",
            width);
        Assert.True(scrollWidth <= width, $"{target.Path} scrolls horizontally at {width} px: scrollWidth is {scrollWidth}; sticking out: {overflowing}");
    }

    // Nothing on the page is refused or broken: no console error (a Content-Security-Policy violation is reported as one).
    [Theory]
    [MemberData(nameof(PublicPages.Names), MemberType = typeof(PublicPages))]
    public async Task Public_page_logs_no_console_errors(string name)
    {
        var target = PublicPages.Named(name);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        var response = await page.GotoAsync(target.Path) ?? throw new InvalidOperationException("no response for " + target.Path);
        Assert.Equal(target.Status, response.Status);
        // Failed loads (including a 404 page's own status) are the assets test's business.
        var unexpected = errors.Where(e => !e.StartsWith("Failed to load resource", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, $"{target.Path} logged {unexpected.Count} console error(s):\n" + string.Join("\n", unexpected));
    }

    // The incident page printed: no header nav, no order toggle, no footer; the print note, every update and the postmortem.
    [Fact]
    public async Task Incident_page_prints_as_a_record_without_navigation_controls_or_footer()
    {
        await using var context = await fixture.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 800, Height = 1100 },
            DeviceScaleFactor = 1,
        });
        var page = await PublicPages.OpenAsync(context, PublicPages.Incident);
        Assert.True(await page.Locator("header.site-header nav").IsVisibleAsync(), "the header nav should be visible on screen");
        Assert.False(await page.Locator("p.print-note").IsVisibleAsync(), "the print note should be hidden on screen");

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        Assert.True(await page.EvaluateAsync<bool>("() => matchMedia('print').matches"));
        Assert.False(await page.Locator("header.site-header nav").IsVisibleAsync(), "the header nav is shown in print");
        Assert.False(await page.Locator("p.order").IsVisibleAsync(), "the newest-first toggle is shown in print");
        Assert.False(await page.Locator("footer.site-footer").IsVisibleAsync(), "the footer is shown in print");
        Assert.True(await page.Locator("p.print-note").IsVisibleAsync(), "the print note is missing in print");
        Assert.Contains(PublicPages.Incident.Path, await page.Locator("p.print-note").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("main h1").IsVisibleAsync(), "the title is missing in print");
        Assert.True(await page.Locator("section.postmortem").IsVisibleAsync(), "the postmortem is missing in print");
        var updates = SiteContent.Incident(PublicPages.RebootIncidentId).StatusUpdates();
        var posts = page.Locator(IncidentPageTests.StatusUpdateItems);
        Assert.Equal(updates.Count, await posts.CountAsync());
        foreach (var post in await posts.AllAsync())
        {
            Assert.True(await post.IsVisibleAsync(), "an update is hidden in print");
        }
        // Printed on white paper whatever the screen's scheme: dark text.
        Assert.Equal("rgb(0, 0, 0)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).color"));

        await Screenshots.SaveFullPageAsync(page, "incident-print.png", 800, 1100);
    }

    [Theory]
    [InlineData("home")]
    [InlineData("component")]
    public async Task Uptime_bars_are_hidden_in_print(string name)
    {
        await using var context = await fixture.NewContextAsync();
        var page = await PublicPages.OpenAsync(context, PublicPages.Named(name));
        var bars = page.Locator("ol.bar");
        Assert.True(await bars.CountAsync() > 0, "the page has no uptime bar");
        Assert.True(await bars.First.IsVisibleAsync(), "the uptime bar should be visible on screen");

        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        foreach (var bar in await bars.AllAsync())
        {
            Assert.False(await bar.IsVisibleAsync(), "an uptime bar is shown in print");
        }
        Assert.False(await page.Locator("header.site-header nav").IsVisibleAsync(), "the header nav is shown in print");
    }

}
