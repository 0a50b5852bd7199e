using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.StatusApi;

namespace StatusPage.Tests.Http;

// The Statuspage-compatible read API over the demo content: shapes, data and caching.
public sealed class StatusApiTests(StatusApiTests.Server server) : IClassFixture<StatusApiTests.Server>
{
    private readonly HttpClient _client = server.Client;

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new();

        public Server() => Client = _factory.CreateClient();

        public HttpClient Client { get; }

        public StatusSnapshot Snapshot => _factory.Services.GetRequiredService<LedgerService>().Current;

        public string PageId => V2Projection.PageIdOf(_factory.Services.GetRequiredService<SiteSettingsHolder>().Current);

        public void Dispose() => _factory.Dispose();
    }

    public static TheoryData<string, string[]> Endpoints => new()
    {
        { "/api/v2/summary.json", ["page", "status", "components", "incidents", "scheduled_maintenances"] },
        { "/api/v2/status.json", ["page", "status"] },
        { "/api/v2/components.json", ["page", "components"] },
        { "/api/v2/incidents.json", ["page", "incidents"] },
        { "/api/v2/incidents/unresolved.json", ["page", "incidents"] },
        { "/api/v2/scheduled-maintenances.json", ["page", "scheduled_maintenances"] },
        { "/api/v2/scheduled-maintenances/upcoming.json", ["page", "scheduled_maintenances"] },
        { "/api/v2/scheduled-maintenances/active.json", ["page", "scheduled_maintenances"] },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_v2_endpoint_has_the_Statuspage_shape_and_open_CORS(string path, string[] topLevelKeys)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.NotNull(response.Headers.ETag);
        V2Shape.Keys(root, topLevelKeys);
        V2Shape.Page(root.GetProperty("page"), server.PageId);
        if (root.TryGetProperty("status", out var status))
        {
            V2Shape.Status(status);
        }
        if (root.TryGetProperty("components", out var components))
        {
            Assert.NotEqual(0, components.GetArrayLength());
            Assert.All(components.EnumerateArray(), c => V2Shape.Component(c, server.PageId));
        }
        if (root.TryGetProperty("incidents", out var incidents))
        {
            Assert.All(incidents.EnumerateArray(), i => V2Shape.Incident(i, server.PageId, maintenance: false));
        }
        if (root.TryGetProperty("scheduled_maintenances", out var maintenances))
        {
            Assert.All(maintenances.EnumerateArray(), m => V2Shape.Incident(m, server.PageId, maintenance: true));
        }
    }

    [Fact]
    public async Task Summary_shows_the_overall_status_every_component_the_open_incident_and_the_coming_maintenance()
    {
        var snapshot = server.Snapshot;
        using var json = await GetJson("/api/v2/summary.json");
        var root = json.RootElement;

        Assert.Equal("minor", root.GetProperty("status").GetProperty("indicator").GetString());
        Assert.Equal("Minor Service Outage", root.GetProperty("status").GetProperty("description").GetString());
        Assert.Equal("Tidewater Metrics", root.GetProperty("page").GetProperty("name").GetString());
        Assert.Equal("Europe/Paris", root.GetProperty("page").GetProperty("time_zone").GetString());
        Assert.Equal("https://status.tidewater.example", root.GetProperty("page").GetProperty("url").GetString());
        var components = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal(snapshot.Components.Count + snapshot.Groups.Count, components.Count);
        foreach (var component in snapshot.Components.Values)
        {
            Assert.Equal(component.Status.ToWord(), components[component.Id].GetProperty("status").GetString());
            Assert.Equal(component.GroupId, components[component.Id].GetProperty("group_id").GetString());
        }
        var api = components["api"];
        Assert.True(api.GetProperty("group").GetBoolean());
        Assert.Equal(["ingestion-api", "query-api"], api.GetProperty("components").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("degraded_performance", api.GetProperty("status").GetString());
        Assert.Equal(snapshot.UnresolvedIncidents.Select(i => i.Id),
            root.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var open = root.GetProperty("incidents")[0];
        Assert.Equal("2026-11-23-query-latency-long-range", open.GetProperty("id").GetString());
        Assert.Equal("identified", open.GetProperty("status").GetString());
        Assert.Equal("minor", open.GetProperty("impact").GetString());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("resolved_at").ValueKind);
        Assert.Equal("https://status.tidewater.example/incidents/2026-11-23-query-latency-long-range",
            open.GetProperty("shortlink").GetString());
        Assert.Equal(["query-api"], open.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var coming = snapshot.Maintenances.Values.Where(m => !m.Status.IsTerminal()).Select(m => m.Id).Order(StringComparer.Ordinal);
        Assert.Equal(coming, root.GetProperty("scheduled_maintenances").EnumerateArray()
            .Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_incident_lists_one_update_per_post_newest_first_with_the_stated_time_as_display_at()
    {
        var snapshot = server.Snapshot;
        using var json = await GetJson("/api/v2/incidents.json");
        var incidents = json.RootElement.GetProperty("incidents").EnumerateArray().ToList();

        Assert.Equal(Math.Min(50, snapshot.Incidents.Count), incidents.Count);
        foreach (var element in incidents)
        {
            var incident = snapshot.Incidents[element.GetProperty("id").GetString()!];
            var updates = element.GetProperty("incident_updates").EnumerateArray().ToList();
            Assert.Equal(incident.AllPosts.Select(p => p.Id).Order(StringComparer.Ordinal),
                updates.Select(u => u.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
            var shown = updates.Select(u => DateTimeOffset.Parse(u.GetProperty("display_at").GetString()!, null)).ToList();
            Assert.Equal(shown.OrderByDescending(t => t), shown);
            foreach (var update in updates)
            {
                var post = incident.AllPosts.Single(p => p.Id == update.GetProperty("id").GetString());
                Assert.Equal(post.StatedAt, DateTimeOffset.Parse(update.GetProperty("display_at").GetString()!, null));
                Assert.Equal(post.RecordedAt, DateTimeOffset.Parse(update.GetProperty("created_at").GetString()!, null));
            }
        }
        var withPostmortem = incidents.Single(i => i.GetProperty("id").GetString() == "2026-08-19-fra1-region-reboot");
        Assert.Equal("postmortem", withPostmortem.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, withPostmortem.GetProperty("resolved_at").ValueKind);
        Assert.Equal("postmortem", withPostmortem.GetProperty("incident_updates")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_correction_is_an_update_of_its_own_that_says_which_update_it_corrects()
    {
        var incident = server.Snapshot.Incidents["2026-08-19-fra1-region-reboot"];
        var correction = incident.AllPosts.Single(p => p.Kind == PostKind.Correction);
        var corrected = incident.AllPosts.Single(p => p.Id == correction.Corrects);
        using var json = await GetJson("/api/v2/incidents.json");

        var updates = json.RootElement.GetProperty("incidents").EnumerateArray()
            .Single(i => i.GetProperty("id").GetString() == incident.Id).GetProperty("incident_updates").EnumerateArray().ToList();
        var body = updates.Single(u => u.GetProperty("id").GetString() == correction.Id).GetProperty("body").GetString();
        var original = updates.Single(u => u.GetProperty("id").GetString() == corrected.Id).GetProperty("body").GetString();

        Assert.StartsWith($"Correction to the {corrected.Status} update of {corrected.StatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.",
            body, StringComparison.Ordinal);
        Assert.Contains(correction.Reason!, body, StringComparison.Ordinal);
        Assert.EndsWith(correction.Body!, body, StringComparison.Ordinal);
        Assert.Equal(corrected.Body, original);
    }

    [Fact]
    public async Task Maintenance_lists_split_into_upcoming_active_and_the_most_recent()
    {
        using var all = await GetJson("/api/v2/scheduled-maintenances.json");
        using var upcoming = await GetJson("/api/v2/scheduled-maintenances/upcoming.json");
        using var active = await GetJson("/api/v2/scheduled-maintenances/active.json");

        var allIds = Ids(all, "scheduled_maintenances");
        Assert.Equal(server.Snapshot.Maintenances.Keys.Order(StringComparer.Ordinal), allIds.Order(StringComparer.Ordinal));
        Assert.Equal(["2027-04-18-ams2-storage-hardware-refresh", "2027-06-06-fra1-network-fabric-migration"],
            Ids(upcoming, "scheduled_maintenances"));
        Assert.Empty(Ids(active, "scheduled_maintenances"));
        var done = all.RootElement.GetProperty("scheduled_maintenances").EnumerateArray()
            .Single(m => m.GetProperty("id").GetString() == "2026-11-18-storage-cluster-upgrade");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("maintenance", done.GetProperty("impact").GetString());
        Assert.Equal("2026-11-18T21:00:00.000Z", done.GetProperty("scheduled_for").GetString());
        Assert.Equal("2026-11-19T01:00:00.000Z", done.GetProperty("scheduled_until").GetString());
        Assert.Equal("2026-11-19T00:05:00.000Z", done.GetProperty("resolved_at").GetString());
        Assert.Equal(["completed", "verifying", "in_progress", "scheduled"],
            done.GetProperty("incident_updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Revalidating_with_the_ETag_is_a_304_with_no_body_and_CORS_still_open()
    {
        var first = await _client.GetAsync(new Uri("/api/v2/summary.json", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v2/summary.json", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(server.Snapshot.Head.ETag, first.Headers.ETag!.ToString());
        Assert.Equal("*", Assert.Single(second.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Theory]
    [InlineData("/api/v2/summary.json", "br")]
    [InlineData("/history.atom", "gzip")]
    public async Task Large_bodies_are_served_precompressed_to_clients_that_accept_it_with_their_own_ETag(string path, string coding)
    {
        var identity = await _client.GetAsync(new Uri(path, UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        var compressed = await _client.SendAsync(request);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        revalidate.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        revalidate.Headers.IfNoneMatch.Add(compressed.Headers.ETag!);
        var notModified = await _client.SendAsync(revalidate);

        var plain = await identity.Content.ReadAsByteArrayAsync();
        await using var packed = await compressed.Content.ReadAsStreamAsync();
        await using Stream unpack = coding == "br"
            ? new System.IO.Compression.BrotliStream(packed, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        await unpack.CopyToAsync(unpacked);

        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.Equal(coding, Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.True(compressed.Content.Headers.ContentLength < plain.Length / 2);
        Assert.Equal(plain, unpacked.ToArray());
        Assert.NotEqual(identity.Headers.ETag, compressed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_new_update_changes_the_ETag_and_appears_first_and_a_redacted_update_reads_Redacted_with_the_reason()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        var before = await client.GetAsync(new Uri("/api/v2/incidents/unresolved.json", UriKind.Relative));

        var posted = await ledger.AppendAsync(new PostUpdate("2026-11-23-query-latency-long-range", IncidentStatus.Monitoring,
            "The rebuild finished; latency is back to normal. Token: hunter2",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("query-api", ComponentStatus.Operational)), "tester");
        var redacted = await ledger.AppendAsync(new RedactPost(posted.Entries[0].Id, "pasted a secret"), "tester");
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v2/incidents/unresolved.json", UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var after = await client.SendAsync(revalidate);
        using var json = JsonDocument.Parse(await after.Content.ReadAsStringAsync());

        Assert.True(posted.Succeeded);
        Assert.True(redacted.Succeeded);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        var incident = json.RootElement.GetProperty("incidents")[0];
        Assert.Equal("monitoring", incident.GetProperty("status").GetString());
        Assert.True(V2Shape.IsTime(incident.GetProperty("monitoring_at").GetString()));
        var latest = incident.GetProperty("incident_updates")[0];
        Assert.Equal(posted.Entries[0].Id, latest.GetProperty("id").GetString());
        Assert.Equal("monitoring", latest.GetProperty("status").GetString());
        Assert.Equal("Redacted: pasted a secret", latest.GetProperty("body").GetString());
        var change = Assert.Single(latest.GetProperty("affected_components").EnumerateArray());
        Assert.Equal("query-api", change.GetProperty("code").GetString());
        Assert.Equal("degraded_performance", change.GetProperty("old_status").GetString());
        Assert.Equal("operational", change.GetProperty("new_status").GetString());
        Assert.DoesNotContain("hunter2", json.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_maintenance_in_progress_is_active_and_in_the_summary_and_under_maintenance_is_not_an_outage_indicator()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        await ledger.AppendAsync(new PostUpdate("2026-11-23-query-latency-long-range", IncidentStatus.Resolved, "Fixed.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("query-api", ComponentStatus.Operational)), "tester");

        var started = await ledger.AppendAsync(new PostMaintenanceUpdate("2027-04-18-ams2-storage-hardware-refresh",
            MaintenanceStatus.InProgress, "Started early.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("storage-cluster", ComponentStatus.UnderMaintenance)), "tester");
        using var active = await GetJson(client, "/api/v2/scheduled-maintenances/active.json");
        using var summary = await GetJson(client, "/api/v2/summary.json");

        Assert.True(started.Succeeded, started.Violation?.Message);
        Assert.Equal(["2027-04-18-ams2-storage-hardware-refresh"], Ids(active, "scheduled_maintenances"));
        Assert.Equal("in_progress", active.RootElement.GetProperty("scheduled_maintenances")[0].GetProperty("status").GetString());
        Assert.Contains("2027-04-18-ams2-storage-hardware-refresh", Ids(summary, "scheduled_maintenances"));
        Assert.Empty(Ids(summary, "incidents"));
        Assert.Equal("none", summary.RootElement.GetProperty("status").GetProperty("indicator").GetString());
        Assert.Equal("Service Under Maintenance", summary.RootElement.GetProperty("status").GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_pages_updated_at_is_the_latest_change_it_shows_a_maintenance_update_included()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        static string? UpdatedAt(JsonDocument json) => json.RootElement.GetProperty("page").GetProperty("updated_at").GetString();
        using var before = await GetJson(client, "/api/v2/status.json");

        // No component changes: only the maintenance's own time can move the page's.
        var posted = await ledger.AppendAsync(new PostMaintenanceUpdate("2027-04-18-ams2-storage-hardware-refresh",
            MaintenanceStatus.Scheduled, "Still on for the 18th."), "tester");
        using var after = await GetJson(client, "/api/v2/status.json");
        using var maintenances = await GetJson(client, "/api/v2/scheduled-maintenances.json");

        Assert.True(posted.Succeeded, posted.Violation?.Message);
        var maintenance = maintenances.RootElement.GetProperty("scheduled_maintenances").EnumerateArray()
            .Single(m => m.GetProperty("id").GetString() == "2027-04-18-ams2-storage-hardware-refresh");
        Assert.NotEqual(UpdatedAt(before), UpdatedAt(after));
        Assert.Equal(maintenance.GetProperty("updated_at").GetString(), UpdatedAt(after));
        Assert.Equal(UpdatedAt(after), UpdatedAt(maintenances));
    }

    private Task<JsonDocument> GetJson(string path) => GetJson(_client, path);

    private static async Task<JsonDocument> GetJson(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<string> Ids(JsonDocument json, string list) =>
        [.. json.RootElement.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
}
