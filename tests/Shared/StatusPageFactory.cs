using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StatusPage.Server.Startup;

namespace StatusPage.Tests;

// The real server over a real LiteDB file in its own temp folder, with the repository's content/ unless told otherwise, on a
// clock that starts at DemoNow (or at `now`) unless a TimeProvider is given.
public sealed class StatusPageFactory : WebApplicationFactory<Program>
{
    // The day after the newest demo entry (23 Nov 2026, 22:36 UTC): what the 90-day bars hold and what is upcoming or ongoing
    // never depends on the day the tests run.
    public static readonly DateTimeOffset DemoNow = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsDataDir;
    private readonly bool _waitUntilReady;
    private readonly IReadOnlyDictionary<string, string> _settings;

    // waitUntilReady: false hands over the server while it still answers 503 "starting" (see CreateHost).
    public StatusPageFactory(string? contentPath = null, TimeProvider? time = null, string? dataDir = null, bool kestrel = false,
        IReadOnlyDictionary<string, string>? settings = null, bool waitUntilReady = true, DateTimeOffset? now = null)
    {
        _waitUntilReady = waitUntilReady;
        // Through the server's own StatusPage:Clock option: starts at that instant and runs on in real time, so timers still fire.
        _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["StatusPage:Clock"] = ClockSetting(now ?? DemoNow),
        };
        _ownsDataDir = dataDir is null;
        DataDir = dataDir ?? Directory.CreateTempSubdirectory("statuspage-test-").FullName;
        ContentPath = contentPath ?? TestPaths.RepositoryContent;
        Time = time;
        if (kestrel)
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }
    }

    public string DataDir { get; }

    public static string ClockSetting(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    // With kestrel: true, where the real server listens (for clients outside the process: a browser, node, newsboat).
    public Uri ListeningAddress()
    {
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("the server exposes no addresses");
        return new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/') + "/");
    }

    public string DataPath => Path.Combine(DataDir, "statuspage.db");

    public string ContentPath { get; }

    public TimeProvider? Time { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDataDir && Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }

    // The server listens while it replays its ledger and answers 503 until then (LedgerReadiness). Tests begin once it is
    // ready, as a client would after retrying; a start-up failure surfaces here, as it did when start-up blocked.
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (_waitUntilReady)
        {
            host.Services.GetRequiredService<LedgerReadiness>().Ready.GetAwaiter().GetResult();
        }
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("StatusPage:DataPath", DataPath);
        builder.UseSetting("StatusPage:ContentPath", ContentPath);
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (Time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(Time)));
        }
    }
}
