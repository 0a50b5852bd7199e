using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using StatusPage.Server.StaticExport;

namespace StatusPage.Tests.Browser;

// The demo exported (export-site's SiteExporter over the real server on the demo clock), served by a real nginx on a loopback
// port with the repository's deploy/nginx.conf (its own prefix, pid and logs in a temp folder), and one headless Chromium.
public sealed class NginxExport : IAsyncLifetime
{
    private const string BrotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
    private readonly string _root = Directory.CreateTempSubdirectory("statuspage-nginx-").FullName;
    private static readonly string[] TempPaths = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];
    private Process? _nginx;
    private IPlaywright? _playwright;

    public string Site => Path.Combine(_root, "site");

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IReadOnlyDictionary<string, ExportManifest.Entry> Manifest { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var server = new StatusPageFactory())
        {
            using var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            var result = await new SiteExporter(client, Site).ExportAsync();
            Assert.Empty(result.Skipped);
        }
        Manifest = ExportManifest.Read(File.ReadAllBytes(Path.Combine(Site, SiteExporter.ManifestName)));
        // nginx's workers run as nobody when the tests run as root: the temp folder must be readable by them.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        }
        var port = FreePort();
        File.WriteAllText(Path.Combine(_root, "nginx.conf"), Config(port));
        _nginx = Process.Start(new ProcessStartInfo("nginx",
            ["-p", _root, "-c", Path.Combine(_root, "nginx.conf"), "-e", Path.Combine(_root, "error.log"), "-g", "daemon off;"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("nginx did not start");
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        await WaitUntilListening();
        _playwright = await Playwright.CreateAsync();
        Browser = await ServerAndBrowser.LaunchChromiumAsync(_playwright);
    }

    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseAddress.ToString();
        return Browser.NewContextAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }
        _nginx?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    // The repository's server block, pointed at this export and port, inside a minimal main configuration.
    private string Config(int port)
    {
        var server = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "deploy", "nginx.conf"))
            .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("root /srv/statuspage/site;", $"root {Site};", StringComparison.Ordinal);
        var brotli = File.Exists(BrotliModule);
        if (!brotli)
        {
            server = server.Replace("brotli_static on;", "", StringComparison.Ordinal);
        }
        var temp = string.Join("\n", TempPaths.Select(t => $"    {t}_temp_path {Path.Combine(_root, t)};"));
        return $$"""
            {{(brotli ? $"load_module {BrotliModule};" : "")}}
            pid {{Path.Combine(_root, "nginx.pid")}};
            error_log {{Path.Combine(_root, "error.log")}};
            events { worker_connections 64; }
            http {
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log {{Path.Combine(_root, "access.log")}};
            {{temp}}
            {{server}}
            }
            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListening()
    {
        using var client = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_nginx!.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await _nginx.StandardError.ReadToEndAsync()
                    + File.ReadAllText(Path.Combine(_root, "error.log")));
            }
            try
            {
                await client.GetAsync(BaseAddress);
                return;
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }
}
