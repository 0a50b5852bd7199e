using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The real server (with a known admin password) on a loopback port and one headless Chromium, for the operator console.
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string AdminPassword = "console browser test password";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public StatusPageFactory Server { get; } = new(kestrel: true,
        settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_PASSWORD"] = AdminPassword });

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server.StartServer();
        BaseAddress = Server.ListeningAddress();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900) =>
        _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}
