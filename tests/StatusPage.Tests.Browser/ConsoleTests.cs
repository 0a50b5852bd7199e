using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace StatusPage.Tests.Browser;

// The operator console in Chromium against the real server: sign in, post, correct, and see it all on the public page.
public sealed partial class ConsoleTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    [GeneratedRegex("/admin/incidents/(?<id>(?!new$)[a-z0-9-]+)$")]
    private static partial Regex IncidentUrl();

    private static async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/admin");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(ConsoleFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" }).WaitForAsync();
        return page;
    }

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }

    private static async Task<string> OpenIncidentAsync(IPage page, string title, string body)
    {
        await page.GotoAsync("/admin/incidents/new");
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Message").FillAsync(body);
        await page.GetByTestId("preview").GetByText(body).WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open incident" }).ClickAsync();
        return await IncidentOpenedAsync(page);
    }

    // The incident's id once the console shows its page. Polled, as PublicPages.WaitForPageAsync does: WaitForURLAsync
    // missed the console's client-side navigation under load (twice in clean-clone runs, 3 December; reproduced with a CPU
    // hog beside the tests: the incident page was on screen, the wait timed out).
    private static async Task<string> IncidentOpenedAsync(IPage page)
    {
        // The page's 30 s, not the assertions' default 5 s: the post is a signed ledger append on a busy machine.
        await Assertions.Expect(page).ToHaveURLAsync(IncidentUrl(), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=post]").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        return IncidentUrl().Match(page.Url).Groups["id"].Value;
    }

    private static async Task SaveAsync(IPage page, string file)
    {
        var path = Path.Combine(TestPaths.TestOutput, file);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"{path} is empty");
    }

    [Fact]
    public async Task The_console_paints_its_loading_screen_before_its_app_has_loaded_then_signs_in()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        // The server is up and has answered once: what is timed is the browser's first visit, not the server's start-up.
        Assert.True((await context.APIRequest.GetAsync("/admin")).Ok);
        var responses = new List<IResponse>();
        page.Response += (_, response) => responses.Add(response);
        // The app's loader is held back until the loading screen is photographed (the screen does not depend on it).
        var photographed = new TaskCompletionSource();
        await page.RouteAsync("**/_framework/blazor.webassembly.js", async route =>
        {
            await photographed.Task;
            await route.ContinueAsync();
        });

        var clock = Stopwatch.StartNew();
        var document = await page.GotoAsync("/admin", new() { WaitUntil = WaitUntilState.Commit });
        // The loading screen is in the page as served: painting it waits for no script.
        Assert.Contains("Loading the console", await document!.TextAsync());
        var loading = page.GetByTestId("loading");
        await Assertions.Expect(loading).ToContainTextAsync("Loading the console");
        // The browser's first paint with content happens while the app's loader is still held back, so it is the loading screen.
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('first-contentful-paint').length > 0");
        var painted = await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0].startTime");
        await SaveAsync(page, "console-loading.png");
        await page.SetViewportSizeAsync(375, 812);
        await SaveAsync(page, "console-loading-phone.png");
        await page.SetViewportSizeAsync(1280, 900);
        clock.Restart();
        photographed.SetResult();

        // The app replaces the loading screen with its sign-in form once it has started.
        await page.GetByLabel("Username").FillAsync("admin");
        var started = clock.Elapsed;
        await Assertions.Expect(loading).ToHaveCountAsync(0);
        await page.GetByLabel("Password").FillAsync(ConsoleFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" }).WaitForAsync();

        // What a first visit costs (for the notes, not asserted: timings on this shared machine say little; CI stop 28 painted after 1,116 ms).
        long bytes = 0;
        foreach (var response in responses.ToList())
        {
            bytes += (await response.Request.SizesAsync()).ResponseBodySize;
        }
        output.WriteLine($"loading screen painted after {painted:F0} ms, sign-in form {started.TotalMilliseconds:F0} ms after the loader was let through, " +
            $"{responses.Count} responses, {bytes / 1024} KiB of bodies as sent");
    }

    [Fact]
    public async Task An_operator_opens_an_incident_posts_two_updates_corrects_one_and_the_public_page_shows_it_all_in_order()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInAsync(context);
        await SaveAsync(page, "console-dashboard.png");

        await page.GotoAsync("/admin/incidents/new");
        await page.GetByLabel("Title").FillAsync("Console: ingestion errors");
        await page.GetByLabel("Message").FillAsync("We are **investigating** errors on ingestion.");
        // The live preview is the server's rendering of the Markdown.
        await page.Locator("[data-testid=preview] strong", new() { HasTextString = "investigating" }).WaitForAsync();
        await SaveAsync(page, "console-new-incident.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open incident" }).ClickAsync();
        var id = await IncidentOpenedAsync(page);
        var posts = page.Locator("[data-testid=post]");
        await Assertions.Expect(posts).ToHaveCountAsync(1);

        // First update, posted with the keyboard shortcut.
        await ChooseAsync(page, page.GetByLabel("Status", new() { Exact = true }), "identified");
        await page.GetByLabel("Message").FillAsync("A bad deploy; rolling back.");
        await page.GetByLabel("Message").PressAsync("Control+Enter");
        await Assertions.Expect(posts).ToHaveCountAsync(2);

        // Second update, posted with the button.
        await ChooseAsync(page, page.GetByLabel("Status", new() { Exact = true }), "monitoring");
        await page.GetByLabel("Message").FillAsync("Error rate is back to normal; monitoring.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
        await Assertions.Expect(posts).ToHaveCountAsync(3);

        // Correct the first update; the dialog states the consequence before anything is published.
        await posts.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Correct" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.Locator("[data-testid=consequence]")).ToContainTextAsync("The original stays visible, marked corrected");
        await dialog.GetByLabel("Reason (shown publicly)").FillAsync("wrong cause");
        await dialog.GetByLabel("Corrected text").FillAsync("A bad configuration change; rolling it back.");
        await SaveAsync(page, "console-correct-dialog.png");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Publish correction" }).ClickAsync();
        await Assertions.Expect(posts).ToHaveCountAsync(4);
        await Assertions.Expect(posts.Nth(1)).ToContainTextAsync("corrected");
        await SaveAsync(page, "console-incident.png");

        var publicPage = await context.NewPageAsync();
        await publicPage.GotoAsync($"/incidents/{id}");
        // In time order: the corrected update stays, marked superseded; the correction is an item at its own (later) time.
        var updates = publicPage.Locator("ol.timeline > li.post");
        await Assertions.Expect(updates).ToHaveCountAsync(4);
        await Assertions.Expect(updates.Nth(0)).ToContainTextAsync("We are investigating errors on ingestion.");
        await Assertions.Expect(updates.Nth(1)).ToContainTextAsync("A bad deploy; rolling back.");
        await Assertions.Expect(updates.Nth(1)).ToHaveClassAsync(new Regex(@"\bsuperseded\b"));
        await Assertions.Expect(updates.Nth(2)).ToContainTextAsync("Error rate is back to normal; monitoring.");
        await Assertions.Expect(updates.Nth(3)).ToHaveClassAsync(new Regex(@"\bpost-correction\b"));
        await Assertions.Expect(updates.Nth(3).Locator(".body")).ToContainTextAsync("A bad configuration change; rolling it back.");
        await Assertions.Expect(updates.Nth(3).Locator(".correction-of")).ToContainTextAsync("wrong cause");
        await Assertions.Expect(updates.Nth(3).Locator(".diff del")).ToContainTextAsync("deploy");
        await Assertions.Expect(updates.Nth(3).Locator(".diff ins").First).ToContainTextAsync("configuration change");
        await Assertions.Expect(publicPage.Locator("li.post-correction")).ToHaveCountAsync(1);
        await SaveAsync(publicPage, "console-public-incident.png");
    }

    [Fact]
    public async Task The_new_incident_form_works_on_a_375_pixel_wide_phone()
    {
        await using var context = await fixture.NewContextAsync(width: 375, height: 812);
        var page = await SignInAsync(context);
        await page.GotoAsync("/admin/incidents/new");
        await page.GetByLabel("Title").WaitForAsync();

        // Empty form: the shared validators' messages appear beside the fields, nothing is sent.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open incident" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The title must not be empty.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("The body must not be empty.")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the form is {overflow} px wider than the phone");
        await SaveAsync(page, "console-phone-form.png");

        var id = await OpenIncidentAsync(page, "Phone: dashboard slow", "Pages load slowly.");

        await page.Locator("[data-testid=post]").First.WaitForAsync();
        Assert.Contains("Pages load slowly.", await page.Locator("[data-testid=post-body]").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(id, IncidentUrl().Match(page.Url).Groups["id"].Value);
        await SaveAsync(page, "console-phone-incident.png");
    }

    [Fact]
    public async Task Every_console_screen_fits_a_375_pixel_wide_phone()
    {
        (string Path, string Heading)[] screens =
        [
            ("/admin", "Dashboard"), ("/admin/incidents", "Incidents"), ("/admin/maintenance", "Maintenance"),
            ("/admin/components", "Components"), ("/admin/tokens", "API tokens"), ("/admin/operators", "Operators"),
            ("/admin/webhooks", "Webhooks"),
        ];
        await using var context = await fixture.NewContextAsync(width: 375, height: 812);
        var page = await SignInAsync(context);

        foreach (var (path, heading) in screens)
        {
            await page.GotoAsync(path);
            await page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }).WaitForAsync();
            // Loaded: the layout's and the lists' progress bars are gone.
            await Assertions.Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the phone");
            await SaveAsync(page, $"console-phone{path.Replace('/', '-')}.png");
        }
    }
}
