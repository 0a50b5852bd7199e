using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Http;

// README "Time": one tolerance of 60 s; stated earlier than recorded by more is backfilled and marked, later by more is refused.
public sealed class HonestTimeTests : IDisposable
{
    private static readonly DateTimeOffset Now = StatusPageFactory.DemoNow;
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly StatusPageFactory _factory;
    private readonly HttpClient _client;

    public HonestTimeTests()
    {
        _factory = new StatusPageFactory(time: _clock,
            settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken });
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new("Bearer", WriteApiServer.AdminToken);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private LedgerService Ledger => (LedgerService)_factory.Services.GetService(typeof(LedgerService))!;

    private static object Open(string id, string component, string status, DateTimeOffset? statedAt = null, DateTimeOffset? startedAt = null) => new
    {
        Id = id,
        Title = "Queries time out",
        Impact = "major",
        Status = "investigating",
        Body = "We are investigating.",
        Components = new Dictionary<string, string> { [component] = status },
        StatedAt = statedAt,
        StartedAt = startedAt,
    };

    [Fact]
    public async Task An_update_stated_4_min_50_s_before_it_was_recorded_is_marked_backfilled_on_the_page_feed_and_both_apis()
    {
        await (await _client.Post("/api/v1/incidents", Open("late-note", "dashboard", "degraded_performance",
            statedAt: Now - TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(50)))).Created();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await (await _client.Post("/api/v1/incidents/late-note/updates",
            new { Status = "identified", Body = "Found it.", StatedAt = Now })).Created();

        var updates = (await _client.Incident("late-note")).GetProperty("updates").EnumerateArray().ToList();
        Assert.True(updates[0].GetProperty("backfilled").GetBoolean());
        Assert.False(updates[1].GetProperty("backfilled").GetBoolean()); // 30 s late is within the tolerance

        var page = await _client.GetStringAsync(Api.Url("/incidents/late-note"));
        // Once on the update, once in the incident's full record; the 30 s late update in neither.
        Assert.Equal(2, CountOf(page, "class=\"backfilled\""));

        var feed = await _client.GetStringAsync(Api.Url("/incidents/late-note/history.atom"));
        Assert.Equal(1, CountOf(feed, "backfilled"));

        var v2 = JsonDocument.Parse(await _client.GetStringAsync(Api.Url("/api/v2/incidents.json"))).RootElement;
        var incident = v2.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "late-note");
        var first = incident.GetProperty("incident_updates").EnumerateArray().Last();
        Assert.Equal(TimeSpan.FromSeconds(290),
            first.GetProperty("created_at").GetDateTimeOffset() - first.GetProperty("display_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("/api/v1/incidents", "stated_at")]
    [InlineData("/api/v1/incidents", "started_at")]
    [InlineData("/api/v1/incidents/ongoing/updates", "stated_at")]
    [InlineData("/api/v1/incidents/ongoing/resolve", "stated_at")]
    [InlineData("/api/v1/components/dashboard/status", "stated_at")]
    public async Task A_time_stated_110_s_in_the_future_is_refused_naming_the_field_and_nothing_is_stored(string path, string field)
    {
        await (await _client.Post("/api/v1/incidents", Open("ongoing", "dashboard", "partial_outage"))).Created();
        var head = await _client.HeadSeq();
        var future = Now + TimeSpan.FromSeconds(110);
        Dictionary<string, object?> body = path switch
        {
            "/api/v1/incidents" => new()
            {
                ["id"] = "from-the-future", ["title"] = "Later", ["impact"] = "minor", ["status"] = "investigating",
                ["body"] = "Not yet.", ["components"] = new Dictionary<string, string> { ["dashboard"] = "degraded_performance" },
            },
            _ when path.EndsWith("/updates", StringComparison.Ordinal) => new() { ["status"] = "identified", ["body"] = "Not yet." },
            _ when path.EndsWith("/resolve", StringComparison.Ordinal) => new() { ["body"] = "Not yet." },
            _ => new() { ["status"] = "major_outage" },
        };
        body[field] = future;

        var problem = await (await _client.Post(path, body)).Problem(HttpStatusCode.BadRequest, field, "not_in_future");

        Assert.Contains("60 seconds", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(head, await _client.HeadSeq());
    }

    [Fact]
    public async Task A_time_stated_59_s_in_the_future_is_accepted_as_clock_skew()
    {
        await (await _client.Post("/api/v1/components/dashboard/status",
            new { Status = "degraded_performance", StatedAt = Now + TimeSpan.FromSeconds(59) })).Created();
    }

    // Issue 13, "A bug": the latest change in stated-time order belonged to another open incident, so the resolve kept the outage.
    [Fact]
    public async Task Resolving_a_backdated_incident_returns_its_component_to_operational_from_the_stated_resolve_time()
    {
        await (await _client.Post("/api/v1/incidents", Open("live-slow", "query-api", "degraded_performance"))).Created();
        await (await _client.Post("/api/v1/incidents", Open("backdated-down", "query-api", "major_outage",
            statedAt: Now - TimeSpan.FromMinutes(50)))).Created();

        await (await _client.Post("/api/v1/incidents/backdated-down/resolve",
            new { Body = "Recovered.", StatedAt = Now - TimeSpan.FromMinutes(10) })).Created();

        var resolve = (await _client.Incident("backdated-down")).GetProperty("updates").EnumerateArray().Last();
        Assert.Equal("operational", resolve.GetProperty("components").GetProperty("query-api").GetString());
        var component = Ledger.Current.Components["query-api"];
        var day = UptimeCalculator.Compute(component, Now - TimeSpan.FromHours(2), Now);
        Assert.Equal(40, day.DowntimeMinutes); // 50 → 10 min ago in major outage, then operational until the live incident's change
        Assert.Equal(ComponentStatus.DegradedPerformance, component.Status); // the other incident is still open
        Assert.Contains("<dd>40 min</dd>", await _client.GetStringAsync(Api.Url("/incidents/backdated-down")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfilled_status_change_is_listed_on_its_component_page_and_its_bar_day_and_uptime_shows_the_figure_as_recorded()
    {
        await (await _client.Post("/api/v1/components/private-network/status", new { Status = "major_outage" })).Created();
        _clock.Advance(TimeSpan.FromHours(2));
        await (await _client.Post("/api/v1/components/private-network/status",
            new { Status = "operational", StatedAt = Now + TimeSpan.FromMinutes(10) })).Created();

        var page = await _client.GetStringAsync(Api.Url("/components/private-network"));
        var item = Between(page, "<li class=\"backfilled-change\">", "</li>");
        Assert.Contains("Marked operational from", item, StringComparison.Ordinal);
        Assert.Contains("24 Nov 2026, 13:10", item, StringComparison.Ordinal); // stated, site time (Paris)
        Assert.Contains("recorded <time", item, StringComparison.Ordinal);
        Assert.Contains("24 Nov 2026, 15:00", item, StringComparison.Ordinal); // recorded
        Assert.Contains("by admin", item, StringComparison.Ordinal);
        // The bar's day names it, so the bar and the figure tell the same story.
        Assert.Contains("24 Nov 2026: Major outage (", page, StringComparison.Ordinal);
        Assert.Contains("Marked operational from 24 Nov 2026, 13:10, recorded 24 Nov 2026, 15:00 by admin", page, StringComparison.Ordinal);

        var component = Ledger.Current.Components["private-network"];
        var asOf = UptimeCalculator.AsOf(_clock.GetUtcNow());
        Assert.Equal(10, UptimeCalculator.Compute(component, asOf.AddDays(-1), asOf).DowntimeMinutes, precision: 6);
        Assert.Equal(120, UptimeCalculator.ComputeAsRecorded(component, asOf.AddDays(-1), asOf).DowntimeMinutes, precision: 6);
        var uptime = await _client.GetStringAsync(Api.Url("/uptime"));
        var row = Between(uptime, "<a href=\"/components/private-network\">", "</tr>");
        Assert.Contains("as recorded at the time", row, StringComparison.Ordinal);
        Assert.DoesNotContain("as recorded at the time", Between(uptime, "<a href=\"/components/dashboard\">", "</tr>"), StringComparison.Ordinal);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found");
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        return text[from..to];
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
