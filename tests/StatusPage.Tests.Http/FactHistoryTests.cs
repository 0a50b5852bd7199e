using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace StatusPage.Tests.Http;

// Issue 13: a value an entry sets (a cause, a component's name or SLA target) is never silently replaced; pages, JSON and
// feeds show the earlier value beside the new one, with when it was recorded and by whom.
public sealed class FactHistoryTests : IAsyncLifetime
{
    private const string Incident = "2026-11-12-ingestion-5xx-ams2"; // Halden Hosting, HH-2290114 in the demo
    private const string OldIncident = "2026-06-14-private-network-fra1";

    private readonly FakeTimeProvider _clock = new(StatusPageFactory.DemoNow);
    private StatusPageFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new StatusPageFactory(time: _clock, settings: new Dictionary<string, string>
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        return client;
    }

    private async Task<string> Page(string path, string language = "en")
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Api.Url(path));
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        return html[from..html.IndexOf(end, from, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task A_cause_changed_through_the_api_keeps_the_earlier_attribution_on_the_page_json_feed_proof_and_provider_pages()
    {
        using var client = Client();
        _clock.Advance(TimeSpan.FromHours(2));

        await (await client.Post($"/api/v1/incidents/{Incident}/cause", new { Kind = "upstream", Provider = "brightwave", Ticket = "BW-0001" }))
            .Created();

        var cause = Between(await Page($"/incidents/{Incident}"), "<dt>Cause</dt>", "</dd>");
        Assert.Contains(">Brightwave Edge</a>", cause, StringComparison.Ordinal);
        Assert.Contains("<code>BW-0001</code>", cause, StringComparison.Ordinal);
        Assert.Matches(@"since <time datetime=""2026-11-24T14:00:00Z""[^>]*>[^<]+</time> by admin", cause);
        Assert.Contains("; before:", cause, StringComparison.Ordinal);
        Assert.Contains(">Halden Hosting</a>", cause, StringComparison.Ordinal);
        Assert.Contains("<code>HH-2290114</code>", cause, StringComparison.Ordinal);
        var french = Between(await Page($"/incidents/{Incident}", "fr"), "<dt>Cause</dt>", "</dd>");
        Assert.Contains("depuis le", french, StringComparison.Ordinal);
        Assert.Contains("; auparavant&#xA0;:", french, StringComparison.Ordinal);

        var causes = (await client.Incident(Incident)).GetProperty("causes").EnumerateArray().ToList();
        Assert.Equal(["halden", "brightwave"], causes.Select(c => c.GetProperty("provider").GetString()));
        Assert.Equal("admin", causes[1].GetProperty("recorded_by").GetString());
        Assert.Equal(StatusPageFactory.DemoNow.AddHours(2), causes[1].GetProperty("recorded_at").GetDateTimeOffset());

        var feed = await Page($"/incidents/{Incident}/history.atom");
        Assert.Contains("[Cause changed] Errors on the Ingestion API in AMS2", feed, StringComparison.Ordinal);
        Assert.Contains("Before: upstream provider Halden Hosting (ticket HH-2290114)", feed, StringComparison.Ordinal);
        Assert.Contains("upstream provider Brightwave Edge (ticket BW-0001)", feed, StringComparison.Ordinal);

        using var proof = JsonDocument.Parse(await Page($"/incidents/{Incident}/proof.json"));
        Assert.Equal(2, proof.RootElement.GetProperty("entries").EnumerateArray()
            .Count(e => e.GetProperty("entry").GetProperty("kind").GetString() == "incident.cause_attributed"));

        var halden = await Page("/providers/halden");
        var former = Between(halden, "Incidents once attributed to this provider, re-attributed since", "</ul>");
        Assert.Contains($"href=\"/incidents/{Incident}\"", former, StringComparison.Ordinal);
        Assert.Matches(@"attributed to <strong>Halden Hosting</strong> \(<code>HH-2290114</code>\) 24 Nov 2026, 13:00 – 24 Nov 2026, 15:00 " +
            @"\(by content/incidents/2026-11-12-ingestion-5xx-ams2.md\); then to <strong>Brightwave Edge</strong> \(<code>BW-0001</code>\) " +
            @"since 24 Nov 2026, 15:00 \(by admin\)", former.ReplaceLineEndings(" "));
        Assert.Contains("18 incident(s) on this service were attributed to Halden Hosting", halden, StringComparison.Ordinal);
        Assert.Contains($"href=\"/incidents/{Incident}\"", await Page("/providers/brightwave"), StringComparison.Ordinal);

        using var report = JsonDocument.Parse(await Page("/providers/halden/report.json?from=2026-11-01&to=2026-11-30"));
        Assert.DoesNotContain(report.RootElement.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("id").GetString() == Incident);
        var moved = Assert.Single(report.RootElement.GetProperty("formerly_attributed").EnumerateArray());
        Assert.Equal(Incident, moved.GetProperty("id").GetString());
        Assert.Equal(["halden", "brightwave"], moved.GetProperty("attributions").EnumerateArray().Select(a => a.GetProperty("provider").GetString()));
    }

    [Fact]
    public async Task A_renamed_component_keeps_its_old_name_on_old_incident_pages_and_its_page_lists_the_rename_and_sla_change()
    {
        using var client = Client();
        _clock.Advance(TimeSpan.FromHours(1));

        var response = await client.PatchAsync(Api.Url("/api/v1/components/private-network"),
            System.Net.Http.Json.JsonContent.Create(new { Name = "Backup link", SlaTarget = 99.5m }, options: WriteApiServer.Json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var facts = Between(await Page($"/incidents/{OldIncident}"), "<dt>Affected components</dt>", "</dd>");
        Assert.Contains("Private network between data centers<span class=\"renamed\"> (now: Backup link)</span>", facts, StringComparison.Ordinal);
        var component = await Page("/components/private-network");
        Assert.Contains("<h1>Backup link</h1>", component, StringComparison.Ordinal);
        var history = Between(component, "<h2>Name and SLA target history</h2>", "</ul>");
        Assert.Contains("Declared as Private network between data centers · SLA target 99.90 %", history, StringComparison.Ordinal);
        Assert.Contains("Renamed from Private network between data centers to Backup link", history, StringComparison.Ordinal);
        Assert.Contains("SLA target changed from 99.90 % to 99.50 %", history, StringComparison.Ordinal);
        Assert.Contains("(by admin)", history, StringComparison.Ordinal);
        Assert.Contains("Renommé de Private network between data centers en Backup link",
            await Page("/components/private-network", "fr"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_sla_target_changed_today_holds_only_the_current_month_to_it_and_closed_months_keep_theirs()
    {
        using var client = Client();
        _clock.Advance(TimeSpan.FromHours(1));

        var response = await client.PatchAsync(Api.Url("/api/v1/components/private-network"),
            System.Net.Http.Json.JsonContent.Create(new { SlaTarget = 99.99m }, options: WriteApiServer.Json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var sla = JsonDocument.Parse(await Page("/sla.json"));
        decimal TargetIn(string month) => sla.RootElement.GetProperty("months").EnumerateArray()
            .Single(m => m.GetProperty("month").GetString() == month).GetProperty("components").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == "private-network").GetProperty("target").GetDecimal();
        Assert.Equal(99.9m, TargetIn("2026-08"));
        Assert.Equal(99.9m, TargetIn("2026-10"));
        Assert.Equal(99.99m, TargetIn("2026-11"));
    }

    [Fact]
    public async Task The_full_record_lists_every_entry_of_the_incident_in_ledger_order_with_recorded_time_and_author()
    {
        using var client = Client();
        _clock.Advance(TimeSpan.FromHours(1));
        await (await client.Post($"/api/v1/incidents/{Incident}/cause", new { Kind = "internal" })).Created();

        var record = Between(await Page($"/incidents/{Incident}"), "<details class=\"full-record\" id=\"record\">", "</details>");

        var seqs = System.Text.RegularExpressions.Regex.Matches(record, "<li id=\"record-(\\d+)\">").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(seqs.Count >= 5, record);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Contains("Opened: Errors on the Ingestion API in AMS2", record, StringComparison.Ordinal);
        Assert.Contains("Update: Investigating, stated", record, StringComparison.Ordinal);
        Assert.Contains("Ingestion API: Operational → Partial outage", record, StringComparison.Ordinal);
        Assert.Contains("(backfilled)", record, StringComparison.Ordinal);
        Assert.Matches(@"Cause attributed\s*:\s*Internal", record);
        Assert.Contains("by content/incidents/2026-11-12-ingestion-5xx-ams2.md", record, StringComparison.Ordinal);
        Assert.EndsWith("by admin</span>", record[..record.LastIndexOf("<span class=\"record-what\">", StringComparison.Ordinal)].TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cause_edited_in_a_content_file_appears_as_a_reattribution_beside_the_earlier_one_after_a_restart()
    {
        var content = Directory.CreateTempSubdirectory("statuspage-content-").FullName;
        var data = Directory.CreateTempSubdirectory("statuspage-data-").FullName;
        try
        {
            CopyDirectory(TestPaths.RepositoryContent, content);
            await using (var first = new StatusPageFactory(contentPath: content, dataDir: data, time: _clock))
            {
                Assert.Contains("HH-2290114", await first.CreateClient().GetStringAsync(Api.Url($"/incidents/{Incident}")), StringComparison.Ordinal);
            }
            var file = Path.Combine(content, "incidents", Incident + ".md");
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file))
                .Replace("provider: halden\nticket: HH-2290114", "provider: brightwave\nticket: BW-0001", StringComparison.Ordinal));
            _clock.Advance(TimeSpan.FromDays(1));

            await using var second = new StatusPageFactory(contentPath: content, dataDir: data, time: _clock);
            using var client = second.CreateClient();
            var cause = Between(await client.GetStringAsync(Api.Url($"/incidents/{Incident}")), "<dt>Cause</dt>", "</dd>");
            Assert.Contains(">Brightwave Edge</a>", cause, StringComparison.Ordinal);
            Assert.Contains("by content/incidents/2026-11-12-ingestion-5xx-ams2.md", cause, StringComparison.Ordinal);
            Assert.Contains(">Halden Hosting</a>", Between(cause, "; before:", "</ul>"), StringComparison.Ordinal);
            Assert.Contains("[Cause changed]", await client.GetStringAsync(Api.Url($"/incidents/{Incident}/history.atom")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(content, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var path in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(path, Path.Combine(to, Path.GetRelativePath(from, path)));
        }
    }
}
