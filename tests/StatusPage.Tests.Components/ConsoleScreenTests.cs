using System.Net;
using Bunit;
using MudBlazor;
using StatusPage.Client.Console.Pages;

namespace StatusPage.Tests.Components;

// Console screens that read lists: the dashboard's overdue warning, and the webhooks screen against the agreed contract.
public sealed class ConsoleScreenTests : IAsyncLifetime
{
    private readonly FakeApi _api = new();
    private readonly BunitContext _context;

    public ConsoleScreenTests() => _context = ConsoleContext.Create(_api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static string Json(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_dashboard_warns_when_a_promised_next_update_has_passed()
    {
        var now = ConsoleContext.Now;
        _api.Answer(HttpMethod.Get, "/api/v1/incidents", HttpStatusCode.OK, $$"""
            [{"id":"late","title":"Late one","impact":"major","status":"identified","started_at":"{{Json(now.AddHours(-2))}}",
              "last_updated_at":"{{Json(now.AddMinutes(-50))}}","next_update_by":"{{Json(now.AddMinutes(-20))}}","components":[]},
             {"id":"on-time","title":"On time","impact":"minor","status":"investigating","started_at":"{{Json(now.AddMinutes(-10))}}",
              "last_updated_at":"{{Json(now.AddMinutes(-10))}}","next_update_by":"{{Json(now.AddMinutes(20))}}","components":[]}]
            """);

        var dashboard = _context.Render<Dashboard>();

        await dashboard.WaitForAssertionAsync(() => Assert.Equal(2, dashboard.FindAll("[data-testid=open-incident]").Count));
        var overdue = Assert.Single(dashboard.FindAll("[data-testid=overdue]"));
        Assert.Contains("overdue by 20 min", overdue.TextContent, StringComparison.Ordinal);
        Assert.Contains("Last update 50 min ago", dashboard.FindAll("[data-testid=open-incident]")[0].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("overdue", dashboard.FindAll("[data-testid=open-incident]")[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhooks_screen_lists_subscribers_shows_a_new_secret_once_and_the_deliveries_of_one()
    {
        _api.Answer(HttpMethod.Get, "/api/v1/webhooks", HttpStatusCode.OK, """
            [{"id":"wh1","url":"https://hooks.example/a","components":null,"created_at":"2026-11-24T01:00:00Z","created_by":"admin",
              "pending":2,"failed_recently":1}]
            """);
        _api.Answer(HttpMethod.Post, "/api/v1/webhooks", HttpStatusCode.Created, """
            {"id":"wh2","url":"https://hooks.example/b","components":["dashboard"],"secret":"whsec_shown_once","created_at":"2026-11-24T02:00:00Z"}
            """);
        _api.Answer(HttpMethod.Get, "/api/v1/webhooks/wh1/deliveries", HttpStatusCode.OK, """
            [{"id":"d1","entry_seq":812,"entry_kind":"incident.update_posted","subject":"2026-11-24-x","state":"gave_up","attempts":8,
              "last_status":500,"last_error":"server error","next_attempt_at":null,"delivered_at":null,"created_at":"2026-11-24T01:10:00Z"}]
            """);
        _context.Render<MudPopoverProvider>();
        var screen = _context.Render<Webhooks>();
        await screen.WaitForAssertionAsync(() => Assert.Contains("https://hooks.example/a", screen.Markup, StringComparison.Ordinal));

        screen.Find("input").Input("https://hooks.example/b");
        // Find and click inside the renderer's context: the list re-renders when its reload answers, replacing the buttons.
        await screen.InvokeAsync(() => screen.FindAll("button").Single(b => b.TextContent.Contains("Register", StringComparison.Ordinal)).Click());
        await screen.WaitForAssertionAsync(() => Assert.Contains("whsec_shown_once", screen.Markup, StringComparison.Ordinal));
        await screen.WaitForAssertionAsync(() => Assert.Equal(2, _api.Sent.Count(r => r.Method == HttpMethod.Get && r.PathAndQuery == "/api/v1/webhooks")));
        await screen.InvokeAsync(() => screen.FindAll("button").First(b => b.TextContent.Contains("Deliveries", StringComparison.Ordinal)).Click());

        await screen.WaitForAssertionAsync(() => Assert.Contains("incident.update_posted", screen.Markup, StringComparison.Ordinal));
        Assert.Contains("gave up", screen.Markup, StringComparison.Ordinal);
        Assert.Contains("server error", screen.Markup, StringComparison.Ordinal);
        var register = Assert.Single(_api.Sent, r => r.Method == HttpMethod.Post && r.PathAndQuery == "/api/v1/webhooks");
        Assert.Contains("\"url\":\"https://hooks.example/b\"", register.Body, StringComparison.Ordinal);
        Assert.Contains(_api.Sent, r => r.PathAndQuery == "/api/v1/webhooks/wh1/deliveries?limit=50");
    }
}
