using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// One real server on a loopback port and one headless Chromium, shared by the tests of a class (BrowserFixture, ConsoleFixture).
public abstract class ServerAndBrowser(StatusPageFactory server) : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public StatusPageFactory Server { get; } = server;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the fixture is not initialized");

    public async Task InitializeAsync()
    {
        Server.StartServer();
        BaseAddress = Server.ListeningAddress();
        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchChromiumAsync(_playwright);
    }

    // Debian's Chromium, headless, quiet (no network of its own, no updates).
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });

    // A fresh context (own cookies, viewport, colour scheme, JS switch) whose relative URLs go to the test server.
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseAddress.ToString();
        return Browser.NewContextAsync(options);
    }

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
