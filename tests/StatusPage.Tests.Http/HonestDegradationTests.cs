using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

// A history that fails verification at start (the entry that resolved an incident was altered): every public output says the
// status is unknown instead of deriving an ongoing outage from the cut-off view.
public sealed class HonestDegradationTests(HonestDegradationTests.TamperedServer server) : IClassFixture<HonestDegradationTests.TamperedServer>
{
    private readonly HttpClient _client = server.Client;

    public sealed class TamperedServer : IDisposable
    {
        private readonly string _dataDir = Directory.CreateTempSubdirectory("statuspage-degraded-").FullName;
        private readonly StatusPageFactory _factory;

        public TamperedServer()
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
            using (var first = new StatusPageFactory(time: clock, dataDir: _dataDir))
            {
                first.CreateClient().Dispose();
            }
            using (var db = new LiteDatabase(Path.Combine(_dataDir, "statuspage.db")))
            {
                // The first post that resolved an incident gets another author: its hash no longer matches, the chain stops before it.
                var ledger = db.GetCollection("ledger");
                var resolving = ledger.FindAll().OrderBy(d => d["_id"].AsInt64).First(d =>
                    d["Kind"].AsString == "incident.update_posted"
                    && d["Payload"].AsString.Contains("\"resolved\"", StringComparison.OrdinalIgnoreCase));
                resolving["Author"] = "mallory";
                ledger.Update(resolving);
                TamperedSeq = resolving["_id"].AsInt64;
                CutOffIncident = resolving["Subject"].AsString;
            }
            _factory = new StatusPageFactory(time: clock, dataDir: _dataDir);
            Client = _factory.CreateClient();
        }

        public HttpClient Client { get; }

        public long TamperedSeq { get; }

        public string CutOffIncident { get; }

        public LedgerService Ledger => _factory.Services.GetRequiredService<LedgerService>();

        public void Dispose()
        {
            Client.Dispose();
            _factory.Dispose();
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public void The_cut_off_view_would_show_the_incident_as_still_open()
    {
        // The premise of every test below: without the honest outputs, this incident would be "ongoing".
        Assert.True(server.Ledger.Current.IsReadOnly);
        Assert.Equal(server.TamperedSeq - 1, server.Ledger.Current.Head.Seq);
        Assert.Contains(server.Ledger.Current.UnresolvedIncidents, i => i.Id == server.CutOffIncident);
    }

    [Fact]
    public async Task The_ledger_head_says_unverified_and_why()
    {
        var head = await Json("/api/v1/ledger/head");

        Assert.False(head.GetProperty("verified").GetBoolean());
        Assert.Equal(server.TamperedSeq - 1, head.GetProperty("seq").GetInt64());
        Assert.Contains($"entry {server.TamperedSeq}", head.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_home_page_says_status_unknown_and_shows_no_outage_and_nothing_ongoing()
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(new Uri("/", UriKind.Relative)));

        Assert.Contains("Status unknown — the history could not be verified", html, StringComparison.Ordinal);
        Assert.Contains("History verification failed", html, StringComparison.Ordinal);
        Assert.Contains($"Last verified entry: #{server.TamperedSeq - 1}", html, StringComparison.Ordinal);
        Assert.Contains($"entry {server.TamperedSeq}", html, StringComparison.Ordinal);
        Assert.Contains("class=\"st st-unknown\"", html, StringComparison.Ordinal);
        foreach (var claim in new[] { "service outage", "system outage", "All systems operational", "(ongoing)", "active-heading",
                     "st-major_outage", "st-partial_outage", "st-operational", "Uptime over the last 90 days", "class=\"bar\"" })
        {
            Assert.DoesNotContain(claim, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_home_page_in_french_says_the_status_is_unknown()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var html = WebUtility.HtmlDecode(await (await _client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains("État inconnu — l'historique n'a pas pu être vérifié", html, StringComparison.Ordinal);
        Assert.Contains($"Dernière entrée vérifiée\u00a0: n° {server.TamperedSeq - 1}", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cut_off_incident_stays_readable_but_is_not_called_ongoing()
    {
        var response = await _client.GetAsync(new Uri($"/incidents/{server.CutOffIncident}", UriKind.Relative));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(server.Ledger.Current.Incidents[server.CutOffIncident].Title, html, StringComparison.Ordinal);
        Assert.Contains("Status unknown", html, StringComparison.Ordinal);
        Assert.DoesNotContain("(ongoing)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_component_page_says_status_unknown_and_shows_no_uptime_to_date()
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(new Uri("/components/query-api", UriKind.Relative)));

        Assert.Contains("<span class=\"st st-unknown\">Status unknown</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"bar\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("uptime-table", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_v2_status_keeps_a_valid_indicator_but_says_unknown_and_carries_the_integrity_field()
    {
        var root = await Json("/api/v2/status.json");

        var status = root.GetProperty("status");
        Assert.Equal("minor", status.GetProperty("indicator").GetString());
        Assert.Equal("Status unknown: history failed verification", status.GetProperty("description").GetString());
        AssertIntegrity(root);
    }

    [Theory]
    [InlineData("/api/v2/summary.json", "incidents")]
    [InlineData("/api/v2/summary.json", "scheduled_maintenances")]
    [InlineData("/api/v2/incidents/unresolved.json", "incidents")]
    [InlineData("/api/v2/scheduled-maintenances/active.json", "scheduled_maintenances")]
    [InlineData("/api/v2/scheduled-maintenances/upcoming.json", "scheduled_maintenances")]
    public async Task The_v2_views_of_now_list_nothing_open_over_an_unverified_history(string path, string list)
    {
        var root = await Json(path);

        Assert.Equal(0, root.GetProperty(list).GetArrayLength());
        AssertIntegrity(root);
    }

    [Theory]
    [InlineData("/api/v2/components.json")]
    [InlineData("/api/v2/incidents.json")]
    [InlineData("/api/v2/scheduled-maintenances.json")]
    public async Task Every_other_v2_answer_carries_the_integrity_field(string path) => AssertIntegrity(await Json(path));

    [Theory]
    [InlineData("/badge.svg", "status: unverified")]
    [InlineData("/components/query-api/badge.svg", "Query API: unverified")]
    [InlineData("/components/query-api/badge.svg?metric=uptime", "uptime 90d: unverified")]
    public async Task Badges_say_unverified_in_grey(string path, string words)
    {
        var svg = XDocument.Parse(await _client.GetStringAsync(new Uri(path, UriKind.Relative))).Root!;

        Assert.Equal(words, svg.Attribute("aria-label")?.Value);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Contains(svg.Elements(ns + "rect"), r => r.Attribute("fill")?.Value == "#57606a");
    }

    [Fact]
    public async Task A_truncated_ledger_is_reported_the_same_way()
    {
        var dataDir = Directory.CreateTempSubdirectory("statuspage-truncated-").FullName;
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
            long size;
            using (var first = new StatusPageFactory(time: clock, dataDir: dataDir))
            {
                size = first.Services.GetRequiredService<LedgerService>().Current.Head.Seq;
            }
            using (var db = new LiteDatabase(Path.Combine(dataDir, "statuspage.db")))
            {
                // The newest three entries go; the checkpoint the server signed for them stays.
                db.GetCollection("ledger").DeleteMany(Query.GT("_id", size - 3));
            }
            using var truncated = new StatusPageFactory(time: clock, dataDir: dataDir);
            using var client = truncated.CreateClient();

            var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v2/status.json", UriKind.Relative))).RootElement;
            var badge = await client.GetStringAsync(new Uri("/badge.svg", UriKind.Relative));

            Assert.Equal("Status unknown: history failed verification", status.GetProperty("status").GetProperty("description").GetString());
            var integrity = status.GetProperty("integrity");
            Assert.Equal(size - 3, integrity.GetProperty("verified_size").GetInt64());
            Assert.Contains("truncation", integrity.GetProperty("problem").GetString(), StringComparison.Ordinal);
            Assert.Contains("aria-label=\"status: unverified\"", badge, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private void AssertIntegrity(JsonElement root)
    {
        var integrity = root.GetProperty("integrity");
        Assert.False(integrity.GetProperty("verified").GetBoolean());
        Assert.Equal(server.TamperedSeq - 1, integrity.GetProperty("verified_size").GetInt64());
        Assert.Equal(server.Ledger.Current.Head.Hash, integrity.GetProperty("verified_head").GetString());
        Assert.Contains($"entry {server.TamperedSeq}", integrity.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> Json(string path)
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync(new Uri(path, UriKind.Relative)));
        return document.RootElement.Clone();
    }
}
