using System.Net;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Console;
using StatusPage.Client.Console.Forms;
using StatusPage.Client.Contracts;

namespace StatusPage.Tests.Components;

// What a new operator tripped over: raw Markdown and ids in the timeline, "in 1 h 0 min", a promise that reset after each
// post, a password typed once, times in UTC only.
public sealed class ConsoleDefectTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeApi _api = new FakeApi()
        .Answer(HttpMethod.Post, "/api/v1/preview", _ => """{"html":"<p>We are <strong>investigating</strong>.</p>"}""")
        .Answer(HttpMethod.Get, "/api/v2/status.json", HttpStatusCode.OK, """{"page":{"id":"p","name":"Site","time_zone":"Europe/Paris"}}""");

    private readonly BunitContext _context;

    public ConsoleDefectTests() => _context = ConsoleContext.Create(_api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static PostView Post(DateTimeOffset? nextUpdateBy = null, string? corrects = null) => new("p1", 1, "update", "identified",
        "We are **investigating**.", At, At, "admin", new Dictionary<string, ComponentStatus> { ["ingestion-api"] = ComponentStatus.PartialOutage },
        nextUpdateBy, corrects, null, [], null);

    [Fact]
    public async Task A_timeline_post_shows_its_body_rendered_and_its_components_by_name()
    {
        var card = _context.Render<PostCard>(p => p
            .Add(c => c.Post, Post())
            .Add(c => c.ComponentNames, new Dictionary<string, string> { ["ingestion-api"] = "Ingestion API" }));

        // Awaited, not blocking: the component tests run in parallel on two cores.
        await card.WaitForAssertionAsync(() => Assert.Equal("investigating", card.Find("[data-testid=post-body] strong").TextContent));
        Assert.DoesNotContain("**", card.Find("[data-testid=post-body]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Ingestion API → partial outage", card.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("ingestion-api →", card.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, "1 h")]
    [InlineData(240, "4 h")]
    [InlineData(90, "1 h 30 min")]
    [InlineData(15, "15 min")]
    public void Whole_hours_read_without_zero_minutes(int minutes, string expected) =>
        Assert.Equal(expected, Times.Span(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void The_next_post_offers_the_interval_the_latest_post_promised()
    {
        Assert.Equal(30, NextUpdateSelect.LastInterval([Post(At.AddMinutes(30))]));
        Assert.Equal(0, NextUpdateSelect.LastInterval([Post(At.AddMinutes(30)), Post() with { Id = "p2" }]));
        // A correction does not change what the timeline promised.
        Assert.Equal(60, NextUpdateSelect.LastInterval([Post(At.AddMinutes(60)), Post(corrects: "p1") with { Id = "c1" }]));
    }

    [Fact]
    public async Task A_new_password_that_differs_from_its_confirmation_is_refused_before_anything_is_sent()
    {
        var form = _context.Render<ChangePassword>();
        var inputs = form.FindAll("input[type=password]");
        Assert.Equal(2, inputs.Count);

        inputs[0].Input("a long enough new password");
        form.FindAll("input[type=password]")[1].Input("a long enough new passwort");
        form.Find("form").Submit();

        await form.WaitForAssertionAsync(() => Assert.Contains("The two passwords differ", form.Markup, StringComparison.Ordinal));
        Assert.Empty(_api.Sent);
    }

    [Fact]
    public async Task Times_read_in_the_sites_zone_and_in_the_operators_own_when_it_differs()
    {
        var clock = _context.Services.GetRequiredService<ConsoleClock>();
        clock.OwnZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        Assert.Equal("2026-11-24 12:00 UTC (07:00 your time)", clock.Show(At));
        await clock.LoadSiteZoneAsync(_context.Services.GetRequiredService<ConsoleApi>());

        Assert.Equal("2026-11-24 13:00 Europe/Paris (07:00 your time)", clock.Show(At));
        Assert.Equal("2026-11-24 02:30 Europe/Paris (Mon 20:30 your time)", clock.Show(At.AddHours(-11).AddMinutes(30)));
        clock.OwnZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.Equal("2026-11-24 13:00 Europe/Paris", clock.Show(At));
    }
}
