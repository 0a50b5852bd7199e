using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using StatusPage.Server.StaticExport;

namespace StatusPage.Tests.Browser;

// The demo exported (export-site's SiteExporter over the real server on the demo clock), served by a real static host on a
// loopback port with the repository's configuration for it (its own files in a temp folder), and one headless Chromium.
public abstract class StaticHostExport : IAsyncLifetime
{
    private Process? _host;
    private IPlaywright? _playwright;

    protected string Root { get; } = Directory.CreateTempSubdirectory("statuspage-static-").FullName;

    public string Site => Path.Combine(Root, "site");

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
        Manifest = ExportManifest.Load(Path.Combine(Site, SiteExporter.ManifestName))!.Files.ToDictionary();
        // The host's workers may run as nobody when the tests run as root: the temp folder must be readable by them.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        }
        var port = FreePort();
        var start = StartInfo(port);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        _host = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        // Read both streams as they come, so a chatty host never blocks on a full pipe.
        var output = new System.Text.StringBuilder();
        _host.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _host.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        await WaitUntilListening(() => { lock (output) { return output + ErrorLog(); } });
        _playwright = await Playwright.CreateAsync();
        Browser = await ServerAndBrowser.LaunchChromiumAsync(_playwright);
    }

    // The host's command line, serving Site on 127.0.0.1:port in the foreground with the repository's configuration.
    protected abstract ProcessStartInfo StartInfo(int port);

    // What the host logged to files of its own (shown when it exits at start).
    protected virtual string ErrorLog() => "";

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
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }
        _host?.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListening(Func<string> log)
    {
        using var client = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_host!.HasExited)
            {
                throw new InvalidOperationException($"{_host.StartInfo.FileName} exited: {log()}");
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

// nginx with deploy/nginx.conf (its own prefix, pid and logs in the temp folder).
public sealed class NginxExport : StaticHostExport
{
    private const string BrotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
    private static readonly string[] TempPaths = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    protected override ProcessStartInfo StartInfo(int port)
    {
        File.WriteAllText(Path.Combine(Root, "nginx.conf"), Config(port));
        return new ProcessStartInfo("nginx",
            ["-p", Root, "-c", Path.Combine(Root, "nginx.conf"), "-e", Path.Combine(Root, "error.log"), "-g", "daemon off;"]);
    }

    protected override string ErrorLog() =>
        File.Exists(Path.Combine(Root, "error.log")) ? File.ReadAllText(Path.Combine(Root, "error.log")) : "";

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
        var temp = string.Join("\n", TempPaths.Select(t => $"    {t}_temp_path {Path.Combine(Root, t)};"));
        return $$"""
            {{(brotli ? $"load_module {BrotliModule};" : "")}}
            pid {{Path.Combine(Root, "nginx.pid")}};
            error_log {{Path.Combine(Root, "error.log")}};
            events { worker_connections 64; }
            http {
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log {{Path.Combine(Root, "access.log")}};
            {{temp}}
            {{server}}
            }
            """;
    }
}

// Caddy with deploy/Caddyfile, as `caddy run` in the foreground (Debian's systemd service plays no part): the site address
// becomes plain HTTP on the loopback port, the admin endpoint is off (no fixed port 2019 shared with others), and Caddy's
// data and config folders are in the temp folder.
public sealed class CaddyExport : StaticHostExport
{
    protected override ProcessStartInfo StartInfo(int port)
    {
        var site = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "deploy", "Caddyfile"))
            .Replace("\nstatus.example.com {", $"\nhttp://127.0.0.1:{port} {{", StringComparison.Ordinal)
            .Replace("root * /srv/statuspage/site", $"root * {Site}", StringComparison.Ordinal);
        if (!site.Contains($"http://127.0.0.1:{port} {{", StringComparison.Ordinal) || !site.Contains(Site, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("deploy/Caddyfile no longer has the site address or root this fixture replaces");
        }
        var config = Path.Combine(Root, "Caddyfile");
        File.WriteAllText(config, "{\n\tadmin off\n}\n" + site);
        var start = new ProcessStartInfo("caddy", ["run", "--config", config, "--adapter", "caddyfile"]);
        start.Environment["HOME"] = Root;
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Root, "caddy-data");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(Root, "caddy-config");
        return start;
    }
}
