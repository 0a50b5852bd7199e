using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StatusPage.Server.History;
using StatusPage.Server.Providers;

namespace StatusPage.Tests.Http;

// A provider's own status page played by a real Kestrel app on 127.0.0.1: Statuspage v2 summary.json with an ETag (304 to a
// matching If-None-Match), a status the test switches, a failing mode (503), and counters of what it was asked.
public sealed class ProviderStatusPage : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _notModified;

    private ProviderStatusPage()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/api/v2/summary.json", Summary);
    }

    public string Indicator { get; set; } = "none";

    public string Description { get; set; } = "All Systems Operational";

    public (string Id, string Name)[] Incidents { get; set; } = [];

    public bool Failing { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public int NotModified => Volatile.Read(ref _notModified);

    public string SummaryUrl { get; private set; } = "";

    public static async Task<ProviderStatusPage> StartAsync()
    {
        var page = new ProviderStatusPage();
        await page._app.StartAsync();
        page.SummaryUrl = page._app.Urls.Single().TrimEnd('/') + "/api/v2/summary.json";
        return page;
    }

    private IResult Summary(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Failing)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            page = new { id = "halden", name = "Halden Hosting", url = "https://status.halden.example", time_zone = "Etc/UTC", updated_at = "2026-11-24T11:00:00.000Z" },
            status = new { indicator = Indicator, description = Description },
            components = Array.Empty<object>(),
            incidents = Incidents.Select(i => new { id = i.Id, name = i.Name, status = "investigating", impact = "minor" }),
            scheduled_maintenances = Array.Empty<object>(),
        });
        var etag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..16] + "\"";
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref _notModified);
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        context.Response.Headers.ETag = etag;
        return Results.Bytes(body, "application/json");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

// The provider watch against that page: an observation when one of our incidents attributed to the provider opens, another
// only when the provider's status changes, nothing while none of ours is open, an unreachable page recorded once, the SSRF
// guard refusing loopback unless allowed, and the report's sentence. Fixed clock (StatusPageFactory.DemoNow).
public sealed class ProviderStatusWatchTests : IAsyncLifetime
{
    private const string Token = "sp_test-admin-token-0123456789abcdefghijklmnopq";
    private ProviderStatusPage _provider = null!;
    private string _content = "";

    public async Task InitializeAsync()
    {
        _provider = await ProviderStatusPage.StartAsync();
        _content = Directory.CreateTempSubdirectory("statuspage-watch-content-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_content, "site.yml"), $"""
            name: Watch test
            url: https://status.example.com
            time_zone: Europe/Paris
            providers:
              - id: halden
                name: Halden Hosting
                url: https://status.halden.example
                status_url: {_provider.SummaryUrl}
                status_interval: 1m
              - id: other
                name: Other Provider
            components:
              - id: private-network
                name: Private network
            """);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        Directory.Delete(_content, recursive: true);
    }

    // Watch: false leaves the reading to the test (ReadNowAsync), so the provider's request counts are exact.
    private StatusPageFactory Server(bool allowLoopback = true, bool watch = false) => new(_content, settings: new Dictionary<string, string>
    {
        ["STATUSPAGE_ADMIN_TOKEN"] = Token,
        ["StatusPage:Providers:AllowPrivateTargets"] = allowLoopback ? "true" : "false",
        ["StatusPage:Providers:Watch"] = watch ? "true" : "false",
    });

    private static HttpClient Admin(StatusPageFactory server)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static async Task Open(StatusPageFactory server, string id, string provider = "halden")
    {
        using var admin = Admin(server);
        using var response = await admin.PostAsJsonAsync("/api/v1/incidents", new Dictionary<string, object>
        {
            ["id"] = id, ["title"] = "Private network interrupted", ["impact"] = "major", ["status"] = "investigating",
            ["body"] = "The link between FRA1 and AMS2 is down.", ["components"] = new Dictionary<string, string> { ["private-network"] = "major_outage" },
            ["cause"] = new Dictionary<string, string> { ["kind"] = "upstream", ["provider"] = provider, ["ticket"] = "HH-1" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task Resolve(StatusPageFactory server, string id)
    {
        using var admin = Admin(server);
        using var response = await admin.PostAsJsonAsync($"/api/v1/incidents/{id}/resolve", new Dictionary<string, object> { ["body"] = "Back." });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static List<ProviderObservation> Observations(StatusPageFactory server, string incident) =>
        server.Services.GetRequiredService<LedgerService>().Current.ProviderObservations.TryGetValue(incident, out var list) ? [.. list] : [];

    private static ProviderStatusWatch Watch(StatusPageFactory server) => server.Services.GetRequiredService<ProviderStatusWatch>();

    [Fact]
    public async Task Nothing_is_read_or_recorded_while_none_of_our_incidents_names_the_provider()
    {
        await using var server = Server();
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        await Open(server, "other-outage", provider: "other");
        Assert.Equal(0, await Watch(server).ReadNowAsync());

        Assert.Equal(0, _provider.Requests);
        Assert.Empty(server.Services.GetRequiredService<LedgerService>().Current.ProviderObservations);
    }

    [Fact]
    public async Task An_observation_is_recorded_when_our_incident_opens_and_again_only_when_the_providers_status_changes()
    {
        await using var server = Server();
        await Open(server, "net-1");

        Assert.Equal(1, await Watch(server).ReadNowAsync());
        var first = Assert.Single(Observations(server, "net-1"));
        Assert.Equal(("halden", "none", "All Systems Operational"), (first.ProviderId, first.Indicator, first.Description));
        Assert.Equal(ProviderStatusWatch.Author, first.Author);
        Assert.Equal(_provider.SummaryUrl, first.Source);

        // Unchanged: the conditional GET is answered 304 and nothing is written.
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        Assert.Equal(3, _provider.Requests);
        Assert.Equal(2, _provider.NotModified);
        Assert.Single(Observations(server, "net-1"));

        _provider.Indicator = "minor";
        _provider.Description = "Partial System Outage";
        _provider.Incidents = [("inc-77", "FRA1 switch agent restart")];
        Assert.Equal(1, await Watch(server).ReadNowAsync());
        var second = Observations(server, "net-1")[1];
        Assert.Equal(("minor", "Partial System Outage"), (second.Indicator, second.Description));
        Assert.Equal(new ObservedProviderIncident("inc-77", "FRA1 switch agent restart"), Assert.Single(second.Incidents));
        Assert.Equal(4, _provider.Requests);

        // Resolved: the page is not read any more.
        await Resolve(server, "net-1");
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        Assert.Equal(4, _provider.Requests);
        Assert.Equal(2, Observations(server, "net-1").Count);
    }

    [Fact]
    public async Task An_unreachable_page_is_recorded_once_and_its_return_again()
    {
        await using var server = Server();
        await Open(server, "net-2");
        Assert.Equal(1, await Watch(server).ReadNowAsync());

        _provider.Failing = true;
        Assert.Equal(1, await Watch(server).ReadNowAsync());
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        Assert.Equal(0, await Watch(server).ReadNowAsync());
        var observations = Observations(server, "net-2");
        Assert.Equal(2, observations.Count);
        Assert.Equal(("unreachable", "HTTP 503"), (observations[1].Indicator, observations[1].Description));

        _provider.Failing = false;
        Assert.Equal(1, await Watch(server).ReadNowAsync());
        Assert.Equal("none", Observations(server, "net-2")[2].Indicator);
        Assert.Equal(5, _provider.Requests);
    }

    [Fact]
    public async Task The_ssrf_guard_refuses_a_loopback_status_page_unless_configuration_allows_it()
    {
        await using var server = Server(allowLoopback: false);
        await Open(server, "net-3");

        Assert.Equal(1, await Watch(server).ReadNowAsync());

        Assert.Equal(0, _provider.Requests);
        var refused = Assert.Single(Observations(server, "net-3"));
        Assert.Equal("unreachable", refused.Indicator);
        Assert.StartsWith("refused: 127.0.0.1 is a loopback, private or link-local address", refused.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_running_watch_reads_the_page_as_soon_as_our_incident_opens()
    {
        await using var server = Server(watch: true);
        await Open(server, "net-4");

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Observations(server, "net-4").Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }
        var observation = Assert.Single(Observations(server, "net-4"));
        Assert.Equal("All Systems Operational", observation.Description);
        Assert.Equal(1, _provider.Requests);
    }

    [Fact]
    public async Task Hostile_text_from_the_provider_is_bounded_kept_as_plain_text_and_escaped_on_the_pages()
    {
        await using var server = Server();
        _provider.Description = "<script>alert(1)</script>\u0007 " + new string('x', 500);
        _provider.Incidents = [.. Enumerable.Range(1, 30).Select(i => ($"id-{i}", $"<img src=x onerror=alert({i})>"))];
        await Open(server, "net-5");
        Assert.Equal(1, await Watch(server).ReadNowAsync());

        var observation = Assert.Single(Observations(server, "net-5"));
        Assert.Equal(ProviderIndicators.DescriptionMaxLength, observation.Description.Length);
        Assert.DoesNotContain('\u0007', observation.Description);
        Assert.Equal(ProviderIndicators.IncidentsMax, observation.Incidents.Length);
        using var client = server.CreateClient();
        var page = await client.GetStringAsync(new Uri("/providers/halden", UriKind.Relative));
        var record = await client.GetStringAsync(new Uri("/incidents/net-5", UriKind.Relative));
        foreach (var html in new[] { page, record })
        {
            Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_report_and_its_json_twin_say_what_the_providers_page_said_during_our_outage()
    {
        await using var server = Server();
        await Open(server, "net-6");
        await Watch(server).ReadNowAsync();
        await Resolve(server, "net-6");
        using var client = server.CreateClient();

        var html = await client.GetStringAsync(new Uri("/providers/halden/report?from=2026-11-24&to=2026-11-24", UriKind.Relative));
        Assert.Matches(@"During our outage \d\d:\d\d–\d\d:\d\d, Halden Hosting&#x27;s status page said: All Systems Operational \(observed \d\d:\d\d\)", html);
        // (The provider page shows each time as a <time> element, as every time on it: the sentence is its text.)
        var page = System.Text.RegularExpressions.Regex.Replace(await client.GetStringAsync(new Uri("/providers/halden", UriKind.Relative)), "<[^>]+>", "");
        Assert.Matches(@"During our outage \d\d:\d\d–\d\d:\d\d, Halden Hosting&#x27;s status page said: All Systems Operational", page);
        var record = await client.GetStringAsync(new Uri("/incidents/net-6", UriKind.Relative));
        Assert.Contains("Halden Hosting&#x27;s status page said: All Systems Operational", record, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri("/providers/halden/report.json?from=2026-11-24&to=2026-11-24", UriKind.Relative)));
        var said = Assert.Single(json.RootElement.GetProperty("incidents")[0].GetProperty("provider_status").EnumerateArray());
        Assert.Equal("none", said.GetProperty("indicator").GetString());
        Assert.Equal("All Systems Operational", said.GetProperty("description").GetString());
        Assert.Equal(ProviderStatusWatch.Author, said.GetProperty("recorded_by").GetString());
        // The observation is one of the incident's entries, so its proof covers it.
        var kinds = json.RootElement.GetProperty("proofs")[0].GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("entry").GetProperty("kind").GetString());
        Assert.Contains("provider.status_observed", kinds);
    }

    [Fact]
    public async Task The_demo_history_shows_recorded_examples_and_the_demo_reads_no_provider_page()
    {
        await using var demo = new StatusPageFactory();
        Assert.Empty(demo.Services.GetRequiredService<Server.Site.SiteSettingsHolder>().Current.ProviderFeeds);
        using var client = demo.CreateClient();

        var html = await client.GetStringAsync(new Uri("/providers/halden/report?from=2026-06-01&to=2026-09-30", UriKind.Relative));
        Assert.Contains("During our outage 03:56–04:27, Halden Hosting&#x27;s status page said: All Systems Operational (observed 04:01)", html, StringComparison.Ordinal);
        Assert.Contains("All Systems Operational (observed 05:01); then nothing, it could not be read: HTTP 503 (observed 05:06); then All Systems Operational (observed 05:11)", html, StringComparison.Ordinal);
        var french = await client.GetStringAsync(new Uri("/providers/halden?lang=fr", UriKind.Relative));
        Assert.Contains("la page d&#x27;état de Halden Hosting indiquait", french, StringComparison.Ordinal);
    }
}
