using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The real server (with a known admin password) on a loopback port and one headless Chromium, for the operator console.
public sealed class ConsoleFixture() : ServerAndBrowser(new StatusPageFactory(kestrel: true,
    settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_PASSWORD"] = AdminPassword }))
{
    public const string AdminPassword = "console browser test password";

    // The console at a given width, in English.
    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900) =>
        NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "en-US" });
}
