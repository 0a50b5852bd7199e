using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The real server (with a known admin password) on a loopback port and one headless Chromium, for the operator console.
// On the wall clock, unlike the public-page servers: the WebAssembly console checks times against the browser's own clock,
// so server and browser must agree; these tests assert nothing that depends on the date. (On the fixed demo clock they
// timed out waiting for the sign-in form in this project's runs, for a reason not yet found.)
public sealed class ConsoleFixture() : ServerAndBrowser(new StatusPageFactory(kestrel: true, time: TimeProvider.System,
    settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_PASSWORD"] = AdminPassword }))
{
    public const string AdminPassword = "console browser test password";

    // The console at a given width, in English.
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900) =>
        NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US" });
}
