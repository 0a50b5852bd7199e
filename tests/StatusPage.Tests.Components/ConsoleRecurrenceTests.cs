using System.Net;
using Bunit;
using MudBlazor;
using StatusPage.Client.Console.Pages;

namespace StatusPage.Tests.Components;

// The console says at once when an incident's start falls on a recurring pattern (its incident view), and lists the patterns on
// its dashboard, from /api/v1/incidents/{id}/recurrence and /api/v1/recurrence.
public sealed class ConsoleRecurrenceTests : IAsyncLifetime
{
    private const string Network = """
        {"scope":"component","scope_id":"private-network","name":"Private network between data centers","pattern":"minute_of_hour",
         "bin":56,"period_hours":0,"tolerance_minutes":10,"anchor":null,"time_zone":"Europe/Paris","hits":18,"counted":19,
         "odds_exponent":15,"incidents":["net-18"],"occurrence":18}
        """;

    private const string Cycle = """
        {"scope":"provider","scope_id":"halden","name":"Halden Hosting","pattern":"period","bin":133,"period_hours":7,
         "tolerance_minutes":10,"anchor":"2026-03-01T04:13:00Z","time_zone":"Europe/Paris","hits":6,"counted":9,"odds_exponent":3,
         "incidents":["net-18"],"occurrence":3}
        """;

    private readonly FakeApi _api = new();
    private readonly BunitContext _context;

    public ConsoleRecurrenceTests() => _context = ConsoleContext.Create(_api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Opening_an_incident_that_falls_on_a_pattern_says_which_one_its_occurrence_and_the_odds()
    {
        _api.Answer(HttpMethod.Get, "/api/v1/incidents/net-18", HttpStatusCode.OK, """
            {"id":"net-18","title":"Private network down","impact":"major","status":"investigating","started_at":"2026-11-24T08:56:30Z",
             "resolved_at":null,"next_update_by":null,"cause":{"kind":"upstream","provider":"halden","ticket":"HH-2231907"},
             "components":["private-network"],"updates":[]}
            """);
        _api.Answer(HttpMethod.Get, "/api/v1/incidents/net-18/recurrence", HttpStatusCode.OK, $"[{Network},{Cycle}]");
        _context.Render<MudPopoverProvider>();

        var view = _context.Render<IncidentDetail>(p => p.Add(d => d.Id, "net-18"));

        await view.WaitForAssertionAsync(() => Assert.Equal(2, view.FindAll("[data-testid=recurrence-hint]").Count));
        var hints = view.FindAll("[data-testid=recurrence-hint]").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal("This matches the :56 pattern on Private network between data centers: 18th occurrence (by chance: less than 1 in 10¹⁵)",
            hints[0]);
        Assert.Equal("This matches the 7-hour cycle (±10 min) pattern on Halden Hosting: 3rd occurrence (by chance: less than 1 in 1,000)",
            hints[1]);
        Assert.Contains(_api.Sent, r => r.PathAndQuery == "/api/v1/incidents/net-18/recurrence");
    }

    [Fact]
    public async Task An_incident_off_every_pattern_shows_no_hint()
    {
        _api.Answer(HttpMethod.Get, "/api/v1/incidents/db-1", HttpStatusCode.OK, """
            {"id":"db-1","title":"Query latency","impact":"minor","status":"identified","started_at":"2026-11-24T10:13:00Z",
             "resolved_at":null,"next_update_by":null,"cause":{"kind":"unknown","provider":null,"ticket":null},
             "components":["query-api"],"updates":[]}
            """);
        _api.Answer(HttpMethod.Get, "/api/v1/incidents/db-1/recurrence", HttpStatusCode.OK, "[]");
        _context.Render<MudPopoverProvider>();

        var view = _context.Render<IncidentDetail>(p => p.Add(d => d.Id, "db-1"));

        await view.WaitForAssertionAsync(() => Assert.Contains("Query latency", view.Markup, StringComparison.Ordinal));
        Assert.Empty(view.FindAll("[data-testid=recurrence-hint]"));
    }

    [Fact]
    public async Task The_dashboard_lists_the_patterns_and_marks_the_open_incident_that_falls_on_one()
    {
        // The dashboard's own clock (ConsoleContext's fixed one): the incidents are 9 and 30 minutes old by it.
        var now = ConsoleContext.Now;
        _api.Answer(HttpMethod.Get, "/api/v1/incidents", HttpStatusCode.OK, $$"""
            [{"id":"net-18","title":"Private network down","impact":"major","status":"investigating","started_at":"{{now.AddMinutes(-9):O}}",
              "last_updated_at":"{{now.AddMinutes(-9):O}}","next_update_by":null,"components":["private-network"]},
             {"id":"db-1","title":"Query latency","impact":"minor","status":"identified","started_at":"{{now.AddMinutes(-30):O}}",
              "last_updated_at":"{{now.AddMinutes(-5):O}}","next_update_by":null,"components":["query-api"]}]
            """);
        _api.Answer(HttpMethod.Get, "/api/v1/recurrence", HttpStatusCode.OK, $"[{Network.Replace("\"occurrence\":18", "\"occurrence\":null", StringComparison.Ordinal)}]");

        var dashboard = _context.Render<Dashboard>();

        await dashboard.WaitForAssertionAsync(() => Assert.Single(dashboard.FindAll("[data-testid=recurrence-finding]")));
        Assert.StartsWith("18 of 19 incidents on Private network between data centers began on the :56 pattern (by chance: less than 1 in 10¹⁵)",
            dashboard.Find("[data-testid=recurrence-finding]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("/components/private-network", dashboard.Find("[data-testid=recurrence-finding] a").GetAttribute("href"));
        var cards = dashboard.FindAll("[data-testid=open-incident]");
        Assert.Equal("Matches the :56 pattern on Private network between data centers (by chance: less than 1 in 10¹⁵)",
            cards[0].QuerySelector("[data-testid=open-incident-recurrence]")!.TextContent.Trim());
        Assert.Null(cards[1].QuerySelector("[data-testid=open-incident-recurrence]"));
    }
}
