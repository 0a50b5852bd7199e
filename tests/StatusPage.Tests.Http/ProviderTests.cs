using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using StatusPage.Server.Transparency;
using StatusPage.Server.TransparencyApi;

namespace StatusPage.Tests.Http;

// One demo server (fixed clock) for every provider test: they only read.
public sealed class DemoServer : IAsyncLifetime
{
    public StatusPageFactory Factory { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

// The provider page, the providers index, and the provider report (HTML and JSON) over the demo history: Halden Hosting's
// nightly :56 interruptions of the private network, with their tickets, the downtime they caused and the proofs.
public sealed partial class ProviderTests(DemoServer server) : IClassFixture<DemoServer>
{
    private const string Period = "from=2026-06-01&to=2026-09-30";

    private async Task<(HttpStatusCode Status, string? Type, string Body)> Get(string path, string? language = null)
    {
        using var client = server.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> Html(string path, string? language = null)
    {
        var (status, type, body) = await Get(path, language);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/html", type);
        return body;
    }

    [Fact]
    public async Task The_provider_page_lists_the_incidents_attributed_to_it_with_tickets_downtime_share_and_the_56_pattern()
    {
        var html = await Html("/providers/halden");

        Assert.Contains("<h1>Halden Hosting</h1>", html, StringComparison.Ordinal);
        Assert.Contains("19 incident(s) on this service were attributed to Halden Hosting", html, StringComparison.Ordinal);
        Assert.Matches(@"They caused 5 h 10 min of downtime, 50\.\d\d % of all downtime recorded", html);
        Assert.Contains("href=\"https://status.halden.example/\"", html, StringComparison.Ordinal);
        Assert.Contains("<code>HH-2231907</code>", html, StringComparison.Ordinal);
        Assert.Contains("17 of 19 incidents on Halden Hosting began at :56 past the hour", html, StringComparison.Ordinal);
        Assert.Contains("(by chance: less than 1 in 10²²)", html, StringComparison.Ordinal);
        var incidents = Section(html, "Incidents attributed to this provider");
        var linked = IncidentLink().Matches(incidents).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(19, linked.Count);
        Assert.Contains("2026-11-12-ingestion-5xx-ams2", linked);
        Assert.DoesNotContain("2026-08-19-fra1-region-reboot", linked); // internal cause
        Assert.Contains("action=\"/providers/halden/report\"", html, StringComparison.Ordinal);
        // The same period as JSON: one query parameter each (the ampersand encoded once).
        Assert.Contains("href=\"/providers/halden/report.json?from=2026-06-01&amp;to=2026-11-24\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Downtime_per_component_counts_only_the_providers_incidents_and_totals_to_the_summary()
    {
        var html = await Html("/providers/halden");
        var table = html[html.IndexOf("<table class=\"uptime-table provider-downtime\">", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</table>", StringComparison.Ordinal)];

        Assert.Matches(@"Private network between data centers</a></th>\s*<td>5 h 3 min</td>", table);
        Assert.Contains("All components", table, StringComparison.Ordinal);
        Assert.Contains("<td>5 h 10 min</td>", table, StringComparison.Ordinal);
        Assert.DoesNotContain("Web dashboard", table, StringComparison.Ordinal); // only internal incidents took the dashboard down
    }

    [Fact]
    public async Task The_providers_index_lists_every_provider_and_every_page_links_it_from_the_footer()
    {
        var index = await Html("/providers");
        var home = await Html("/");

        Assert.Contains("href=\"/providers/halden\">Halden Hosting</a>", index, StringComparison.Ordinal);
        Assert.Contains("href=\"/providers/brightwave\">Brightwave Edge</a>", index, StringComparison.Ordinal);
        Assert.Contains("19 incident(s) attributed, 5 h 10 min of downtime", index, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/providers\">Upstream providers</a>", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incident_page_links_the_provider_its_cause_names_and_an_internal_one_links_none()
    {
        var upstream = await Html("/incidents/2026-06-14-private-network-fra1");
        var internalCause = await Html("/incidents/2026-08-19-fra1-region-reboot");

        Assert.Contains("<a href=\"/providers/halden\">Halden Hosting</a>", upstream, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/providers/halden\"", internalCause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/providers/no-such-provider")]
    [InlineData("/providers/no-such-provider/report")]
    [InlineData("/providers/no-such-provider/report.json")]
    public async Task An_unknown_provider_is_not_found(string path)
    {
        var (status, _, _) = await Get(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Theory]
    [InlineData("/providers/halden/2025")] // no incident began then
    [InlineData("/providers/halden/2027")] // the future
    [InlineData("/providers/halden/1999")] // before the years with pages
    [InlineData("/providers/halden/99999999999")] // not a year the route takes
    [InlineData("/providers/no-such-provider/2026")]
    public async Task A_year_with_no_incident_attributed_to_the_provider_has_no_page(string path)
    {
        var (status, _, _) = await Get(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task A_year_page_lists_that_years_incidents_with_the_figures_of_the_report_for_that_year()
    {
        var html = await Html("/providers/halden/2026");
        var (_, _, body) = await Get("/providers/halden/report.json?from=2026-01-01&to=2026-11-24");
        using var report = JsonDocument.Parse(body);
        var summary = report.RootElement.GetProperty("summary");

        Assert.Contains("<h1>Halden Hosting — 2026</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/providers/halden\">← Halden Hosting</a>", html, StringComparison.Ordinal);
        Assert.Equal(19, summary.GetProperty("incidents").GetInt32());
        var share = summary.GetProperty("share_of_all_downtime").GetDouble() * 100;
        Assert.Contains($"In 2026, 19 incident(s) on this service were attributed to Halden Hosting. They caused 5 h 10 min of downtime that year, "
            + $"{share.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} % of all downtime recorded in 2026.", html, StringComparison.Ordinal);
        Assert.Contains("Tickets: <code>HH-2218544</code>, <code>HH-2220931</code>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/providers/halden/report?from=2026-01-01&amp;to=2026-11-24\"", html, StringComparison.Ordinal);
        var listed = IncidentLink().Matches(Section(html, "Incidents attributed to this provider")).Select(m => m.Groups[1].Value).Distinct();
        var reported = report.RootElement.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("id").GetString()!);
        Assert.Equal(reported.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_provider_page_links_each_year_and_is_a_cached_page_whose_french_twin_links_in_french()
    {
        var html = await Html("/providers/halden");
        var french = await Html("/fr/providers/halden");
        using var client = server.Factory.CreateClient();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Api.Url("/providers/halden")));

        Assert.Contains("By year: <a href=\"/providers/halden/2026\">2026</a> (19)</nav>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("most recent", html, StringComparison.Ordinal); // 19: every one listed on the page itself
        Assert.Contains("href=\"/fr/providers/halden/2026\"", french, StringComparison.Ordinal);
        Assert.Contains("href=\"/fr/incidents/2026-11-12-ingestion-5xx-ams2\"", french, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var etag = head.Headers.ETag;
        Assert.NotNull(etag);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, Api.Url("/providers/halden"));
        conditional.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task The_report_shows_the_periods_incidents_with_stated_and_recorded_times_tickets_recurrence_downtime_and_the_checkpoint()
    {
        var html = await Html($"/providers/halden/report?{Period}");
        var checkpoint = await Get("/api/v1/ledger/checkpoint");
        var key = await Get("/api/v1/ledger/key");

        Assert.Contains("<title>Provider report: Halden Hosting — Tidewater Metrics</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("site-header", html, StringComparison.Ordinal); // a document: no site navigation
        Assert.Contains("1 Jun 2026 to 30 Sep 2026 inclusive (days in Europe/Paris)", html, StringComparison.Ordinal);
        Assert.Contains("17 incident(s) on Tidewater Metrics were attributed to Halden Hosting", html, StringComparison.Ordinal);
        Assert.Contains("Provider tickets cited: HH-2218544, HH-2220931, HH-2223176, HH-2231907", html, StringComparison.Ordinal);
        Assert.Contains("17 of 17 incidents on Halden Hosting began at :56 past the hour", html, StringComparison.Ordinal);
        Assert.Contains("(by chance: less than 1 in 10²⁵)", html, StringComparison.Ordinal);
        // Stated (when it happened, site time) and recorded (when the server learnt it: the demo is imported, so backfilled).
        Assert.Contains("<td class=\"nowrap\">14 Jun 2026, 03:56</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"nowrap\">14 Jun 2026, 04:38</td>", html, StringComparison.Ordinal);
        Assert.Contains("24 Nov 2026, 13:00 (backfilled)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-12-ingestion-5xx-ams2", html, StringComparison.Ordinal); // outside the period
        var text = WebUtility.HtmlDecode(html);
        Assert.Contains(checkpoint.Body, text, StringComparison.Ordinal); // the whole signed note, as the server publishes it
        Assert.Contains(key.Body.Trim(), text, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project StatusPage.Server -- verify-proof", html, StringComparison.Ordinal);
        Assert.Equal(17, ProofSubject().Count(html));
    }

    [Fact]
    public async Task The_report_json_holds_the_same_incidents_and_every_proof_verifies_against_its_one_signed_checkpoint()
    {
        var (status, type, body) = await Get($"/providers/halden/report.json?{Period}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;

        Assert.Equal("statuspage-provider-report/1", root.GetProperty("format").GetString());
        var ids = root.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.Equal(17, ids.Count);
        Assert.Equal(17, root.GetProperty("summary").GetProperty("incidents").GetInt32());
        var finding = Assert.Single(root.GetProperty("recurrence").GetProperty("findings").EnumerateArray());
        Assert.Equal("minute_of_hour", finding.GetProperty("kind").GetString());
        Assert.Equal(56, finding.GetProperty("bin").GetInt32());
        Assert.Equal(25, finding.GetProperty("odds_exponent").GetInt32());

        Assert.True(NoteVerifier.TryParse(root.GetProperty("checkpoint").GetProperty("verifier_key").GetString()!, out var verifier));
        var checkpoint = SignedCheckpoint.Open(root.GetProperty("checkpoint").GetProperty("note").GetString()!, verifier!);
        Assert.NotNull(checkpoint);
        var bundles = root.GetProperty("proofs").Deserialize<List<ProofBundle>>(TransparencyEndpoints.Json)!;
        Assert.Equal(ids, bundles.Select(b => b.Subject));
        foreach (var bundle in bundles)
        {
            Assert.Equal(checkpoint.Note, bundle.Checkpoint); // one checkpoint for the whole report
            Assert.Contains(bundle.Entries, e => e.Entry.Kind == "incident.cause_attributed");
            foreach (var proven in bundle.Entries)
            {
                var entry = proven.Entry.ToEntry();
                Assert.Equal(bundle.Subject, entry.Subject);
                Assert.Equal(entry.Hash, entry.ComputeHash());
                Assert.True(MerkleProofs.VerifyInclusion(Convert.FromHexString(entry.Hash), proven.LeafIndex, checkpoint.Size,
                    [.. proven.Inclusion.Select(Convert.FromBase64String)], checkpoint.Checkpoint.Root), $"{bundle.Subject} entry {entry.Seq}");
            }
        }
    }

    [Fact]
    public async Task A_proof_taken_out_of_the_report_json_passes_verify_proof_as_the_report_instructs_and_an_edited_one_fails()
    {
        var (_, _, body) = await Get($"/providers/halden/report.json?{Period}");
        using var json = JsonDocument.Parse(body);
        var key = json.RootElement.GetProperty("checkpoint").GetProperty("verifier_key").GetString()!;
        var bundle = json.RootElement.GetProperty("proofs")[2];
        var dir = Directory.CreateTempSubdirectory("statuspage-report-proof-").FullName;
        try
        {
            var file = Path.Combine(dir, "proof.json");
            var edited = Path.Combine(dir, "edited.json");
            await File.WriteAllTextAsync(file, bundle.GetRawText());
            await File.WriteAllTextAsync(edited, bundle.GetRawText().Replace("03:56", "03:57", StringComparison.Ordinal)
                .Replace("HH-2223176", "HH-0000000", StringComparison.Ordinal));

            var (code, output, error) = LedgerMonitorTests.Cli("verify-proof", file, "--key", key);
            var (editedCode, _, _) = LedgerMonitorTests.Cli("verify-proof", edited, "--key", key);

            Assert.True(code == 0, error);
            Assert.Contains("of incident 2026-06-14-private-network-fra1 verified and included in the tree", output, StringComparison.Ordinal);
            Assert.Equal(1, editedCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("report", "from=2026-13-01&to=2026-09-30", "from", "date")]
    [InlineData("report", "from=June&to=2026-09-30", "from", "date")]
    [InlineData("report", "from=2026-06-01&to=2026-9-30", "to", "date")]
    [InlineData("report", "from=2026-10-01&to=2026-09-30", "to", "not_before_from")]
    [InlineData("report.json", "from=0001-01-01", "from", "date")]
    [InlineData("report.json", "from=2026-06-01&to=9999-12-31", "to", "date")]
    [InlineData("report.json", "from=2026-10-01&to=2026-09-30", "to", "not_before_from")]
    public async Task Bad_report_dates_are_refused_with_problem_json_naming_the_field_and_the_rule(string page, string query, string field,
        string rule)
    {
        var (status, type, body) = await Get($"/providers/halden/{page}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(rule, problem.RootElement.GetProperty("rule").GetString());
        Assert.Contains(field, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_for_different_periods_are_different_pages_not_one_cached_answer()
    {
        var june = await Html("/providers/halden/report?from=2026-06-01&to=2026-06-30");
        var november = await Html("/providers/halden/report?from=2026-11-01&to=2026-11-30");

        Assert.Contains("5 incident(s) on Tidewater Metrics were attributed to Halden Hosting", june, StringComparison.Ordinal);
        Assert.Contains("1 incident(s) on Tidewater Metrics were attributed to Halden Hosting", november, StringComparison.Ordinal);
        Assert.Contains("2026-11-12-ingestion-5xx-ams2", november, StringComparison.Ordinal);
    }

    [Fact]
    public async Task French_readers_get_the_report_in_french()
    {
        var html = await Html($"/providers/halden/report?{Period}", "fr-FR,fr;q=0.9");

        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        // The non-breaking space French puts before a colon is written as a character reference.
        Assert.Contains("Rapport fournisseur\u00a0: Halden Hosting", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("17 incident(s) touchant Tidewater Metrics ont été attribués à Halden Hosting", html, StringComparison.Ordinal);
        Assert.Contains("Comment vérifier", html, StringComparison.Ordinal);
    }

    private static string Section(string html, string heading)
    {
        var start = html.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no '{heading}' on the page");
        var end = html.IndexOf("</article>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("href=\"/incidents/([^\"#]+)\"")]
    private static partial Regex IncidentLink();

    [GeneratedRegex("<tr class=\"proof-subject\">")]
    private static partial Regex ProofSubject();
}

// A provider's name and status URL come from site.yml: hostile text shows as text, and only an http(s) URL becomes a link.
public sealed class HostileProviderTests : IAsyncLifetime
{
    private const string HostileName = "Evil <script>alert(1)</script> & \"Co\"";
    private readonly string _content = Directory.CreateTempSubdirectory("statuspage-hostile-provider-").FullName;
    private StatusPageFactory _factory = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_content, "incidents"));
        await File.WriteAllTextAsync(Path.Combine(_content, "site.yml"), """
            name: Test site
            url: https://status.test.example
            time_zone: Europe/Paris
            providers:
              - id: evil
                name: 'Evil <script>alert(1)</script> & "Co"'
                url: 'javascript:alert(1)'
            components:
              - id: api
                name: API
            """);
        await File.WriteAllTextAsync(Path.Combine(_content, "incidents", "2026-11-01-api-down.md"), """
            ---
            id: 2026-11-01-api-down
            title: API down
            impact: major
            components: [api]
            started_at: 2026-11-01T10:00:00Z
            cause: upstream
            provider: evil
            ticket: '<img src=x onerror=alert(2)>'
            ---

            ## 2026-11-01T10:05:00Z investigating
            components: api=major_outage

            Down.

            ## 2026-11-01T10:45:00Z resolved
            components: api=operational

            Back.
            """);
        _factory = new StatusPageFactory(contentPath: _content);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_content, recursive: true);
    }

    [Theory]
    [InlineData("/providers/evil")]
    [InlineData("/providers")]
    [InlineData("/providers/evil/report?from=2026-11-01&to=2026-11-30")]
    [InlineData("/incidents/2026-11-01-api-down")]
    public async Task Hostile_provider_text_is_escaped_and_a_javascript_url_is_never_a_link(string path)
    {
        using var client = _factory.CreateClient();

        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));

        Assert.Contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileName, html, StringComparison.Ordinal);
    }
}
