using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace StatusPage.Tests.Http;

// The `export-site` verb as its own process over a data file with work pending for the world outside: a webhook delivery, a
// confirmation email, an open incident attributed to a provider whose status page is watched. The export reads its own site and
// nothing else: no request reaches the receiver, the SMTP server or the provider while it runs.
public sealed class SiteExportVerbTests : IAsyncLifetime
{
    private const string Token = "sp_test-admin-token-0123456789abcdefghijklmnopq";
    private readonly string _root = Directory.CreateTempSubdirectory("statuspage-export-verb-").FullName;
    private ProviderStatusPage _provider = null!;

    private string Content => Path.Combine(_root, "content");

    private string DataDir => Path.Combine(_root, "data");

    public async Task InitializeAsync()
    {
        _provider = await ProviderStatusPage.StartAsync();
        Directory.CreateDirectory(Content);
        Directory.CreateDirectory(DataDir);
        await File.WriteAllTextAsync(Path.Combine(Content, "site.yml"), $"""
            name: Export verb test
            url: https://status.example.com
            providers:
              - id: halden
                name: Halden Hosting
                status_url: {_provider.SummaryUrl}
                status_interval: 1m
            components:
              - id: private-network
                name: Private network
            """);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Export_site_delivers_no_webhook_sends_no_email_and_reads_no_provider_status_page()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        using var smtp = new SmtpSink();
        // Work left pending: the receiver refuses every delivery, the SMTP port is closed, the provider watch is off.
        var pending = new Dictionary<string, string>(smtp.Settings())
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = Token,
            ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
            ["StatusPage:Webhooks:FirstRetryDelay"] = "00:00:00.200",
            ["StatusPage:Providers:AllowPrivateTargets"] = "true",
            ["StatusPage:Providers:Watch"] = "false",
            ["StatusPage:Email:SmtpPort"] = "9",
        };
        await using (var server = new StatusPageFactory(Content, dataDir: DataDir, settings: pending))
        {
            using var admin = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            await admin.RegisterWebhook(receiver.Url);
            using var opened = await admin.PostAsJsonAsync("/api/v1/incidents", new Dictionary<string, object>
            {
                ["id"] = "net-1", ["title"] = "Private network interrupted", ["impact"] = "major", ["status"] = "investigating",
                ["body"] = "The link is down.", ["components"] = new Dictionary<string, string> { ["private-network"] = "major_outage" },
                ["cause"] = new Dictionary<string, string> { ["kind"] = "upstream", ["provider"] = "halden", ["ticket"] = "HH-1" },
            });
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            using var subscribed = await admin.PostAsync(Api.Url("/subscriptions"), new FormUrlEncodedContent(
                [new("email", "ada@example.org"), new("lang", "en")]));
            Assert.Equal(HttpStatusCode.Redirect, subscribed.StatusCode);
            await Eventually.Until("a refused delivery", () => Task.FromResult(receiver.All.Count), n => n >= 1);
        }
        receiver.FailNext(0);
        var refused = receiver.All.Count;

        // Now everything would answer, and every retry is due (the clock an hour on).
        var (exit, output, error) = await ExportSite(Path.Combine(_root, "site"), new Dictionary<string, string>(smtp.Settings())
        {
            ["StatusPage:DataPath"] = Path.Combine(DataDir, "statuspage.db"),
            ["StatusPage:ContentPath"] = Content,
            ["StatusPage:Clock"] = StatusPageFactory.ClockSetting(StatusPageFactory.DemoNow.AddHours(1)),
            ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
            ["StatusPage:Providers:AllowPrivateTargets"] = "true",
            ["StatusPage:Providers:Watch"] = "true",
        });

        Assert.True(exit == 0, $"export-site exited {exit}:\n{output}\n{error}");
        Assert.True(File.Exists(Path.Combine(_root, "site", "incidents", "net-1", "index.html")), output);
        Assert.Equal(refused, receiver.All.Count);
        Assert.Empty(smtp.Messages());
        Assert.Equal(0, _provider.Requests);
    }

    // A data file with no operator yet: the server's first start would create 'admin' (a ledger entry) and log its one-time
    // password; an export is no first start, so it does neither (a CI log keeps no password, the file no entry).
    [Fact]
    public async Task Export_site_of_a_data_file_without_operators_creates_no_admin_and_prints_no_password()
    {
        var data = Path.Combine(DataDir, "statuspage.db");
        var settings = new Dictionary<string, string>
        {
            ["StatusPage:DataPath"] = data,
            ["StatusPage:ContentPath"] = Content,
            ["StatusPage:Clock"] = StatusPageFactory.ClockSetting(StatusPageFactory.DemoNow),
        };
        var (exit, output, error) = await ExportSite(Path.Combine(_root, "site"), settings);
        Assert.True(exit == 0, $"export-site exited {exit}:\n{output}\n{error}");
        Assert.DoesNotContain("one-time password", output + error, StringComparison.Ordinal);
        var ndjson = await File.ReadAllTextAsync(Path.Combine(_root, "site", "ledger", "ndjson", "000.p/" + CountEntries(data) + ".ndjson"));
        Assert.DoesNotContain("operator.created", ndjson, StringComparison.Ordinal);
    }

    // The server (or another export) holds the data file: the verb says so in one line and exits 1, it does not crash.
    [Fact]
    public async Task Export_site_of_a_data_file_another_process_holds_says_so_and_exits_1()
    {
        var data = Path.Combine(DataDir, "held.db");
        using var held = new StatusPage.Server.Ledger.LedgerStore(data);
        var site = Path.Combine(_root, "held-site");
        var (exit, output, error) = await ExportSite(site, new Dictionary<string, string>
        {
            ["StatusPage:DataPath"] = data,
            ["StatusPage:ContentPath"] = Content,
        });
        Assert.True(exit == 1, $"export-site exited {exit}:\n{output}\n{error}");
        Assert.Contains("export-site: The data file", error, StringComparison.Ordinal);
        Assert.Contains("already in use by another StatusPage process", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", output + error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(site, StatusPage.Server.StaticExport.SiteExporter.ManifestName)));
    }

    // Two runs of the verb over the same ledger, as of the same instant, while an outage runs (its SLA minutes, durations and
    // uptime move with the clock): the same files, byte for byte.
    [Fact]
    public async Task Two_exports_of_the_same_ledger_as_of_the_same_instant_are_the_same_bytes_while_an_outage_runs()
    {
        await File.WriteAllTextAsync(Path.Combine(Content, "site.yml"), """
            name: Export verb test
            url: https://status.example.com
            components:
              - id: ingestion-api
                name: Ingestion API
                sla: 99.95
            """);
        await using (var server = new StatusPageFactory(Content, dataDir: DataDir, settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_TOKEN"] = Token }))
        {
            using var admin = server.CreateClient();
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            using var opened = await admin.PostAsJsonAsync("/api/v1/incidents", new Dictionary<string, object>
            {
                ["id"] = "ingest-1", ["title"] = "Ingestion down", ["impact"] = "major", ["status"] = "investigating",
                ["body"] = "Writes fail.", ["components"] = new Dictionary<string, string> { ["ingestion-api"] = "major_outage" },
            });
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        }
        var settings = new Dictionary<string, string>
        {
            ["StatusPage:DataPath"] = Path.Combine(DataDir, "statuspage.db"),
            ["StatusPage:ContentPath"] = Content,
            ["StatusPage:Clock"] = StatusPageFactory.ClockSetting(StatusPageFactory.DemoNow.AddMinutes(30)),
        };

        string[] sites = [Path.Combine(_root, "first"), Path.Combine(_root, "second")];
        foreach (var site in sites)
        {
            var (exit, output, error) = await ExportSite(site, settings);
            Assert.True(exit == 0, $"export-site exited {exit}:\n{output}\n{error}");
        }

        var files = Directory.GetFiles(sites[0], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(sites[0], f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(sites[1], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(sites[1], f)).Order());
        Assert.Contains("sla.json", files);
        var different = files.Where(f => !File.ReadAllBytes(Path.Combine(sites[0], f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(sites[1], f))));
        Assert.Empty(different);
    }

    // At 100,000 entries an export takes minutes; its host reads the clock as of its start, so every page shows one instant
    // (the SLA's current-month minutes, two decimals, differed between two such exports). The server's clock runs on.
    [Fact]
    public async Task A_verbs_host_reads_one_instant_where_the_servers_clock_runs_on()
    {
        var readerSettings = new Dictionary<string, string> { [StatusPage.Server.Site.HostMode.Setting] = StatusPage.Server.Site.HostMode.SiteReader };
        await using var reader = new StatusPageFactory(Content, dataDir: DataDir, settings: readerSettings);
        reader.CreateClient().Dispose();
        var readerClock = reader.Services.GetRequiredService<TimeProvider>();
        var stood = readerClock.GetUtcNow();
        await Task.Delay(50);
        Assert.Equal(stood, readerClock.GetUtcNow());
        Assert.InRange(stood, StatusPageFactory.DemoNow, StatusPageFactory.DemoNow.AddMinutes(1));
        await reader.DisposeAsync();

        await using var server = new StatusPageFactory(Content, dataDir: DataDir);
        server.CreateClient().Dispose();
        var serverClock = server.Services.GetRequiredService<TimeProvider>();
        var before = serverClock.GetUtcNow();
        await Task.Delay(50);
        Assert.True(serverClock.GetUtcNow() > before);
    }

    private static long CountEntries(string data)
    {
        using var db = new LiteDB.LiteDatabase($"Filename={data};ReadOnly=true");
        return db.GetCollection("ledger").LongCount();
    }

    private static Task<(int Exit, string Output, string Error)> ExportSite(string dir, Dictionary<string, string> settings) =>
        ChildProcess.ServerAsync(new[] { "export-site", dir }.Concat(settings.Select(s => $"--{s.Key}={s.Value}")));
}
