using System.Globalization;
using Bunit;
using StatusPage.Server.History;
using StatusPage.Server.PublicSite;

namespace StatusPage.Tests.Components;

public sealed class TimelineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 8, 19, 12, 52, 0, TimeSpan.Zero);
    private readonly BunitContext _context = PublicComponentContext.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static Post Update(string id, string status, string? body, int minutes, DateTimeOffset? recordedAt = null) =>
        new(id, minutes, PostKind.Update, status, At.AddMinutes(minutes), recordedAt ?? At.AddMinutes(minutes), "ops", body,
            "sha", [], null, null, null, [], null);

    private IRenderedComponent<Timeline> Render(params Post[] posts) =>
        _context.Render<Timeline>(p => p.Add(t => t.Posts, posts));

    [Fact]
    public void Every_update_is_shown_oldest_first_with_its_status_and_absolute_time()
    {
        var timeline = Render(Update("a", "investigating", "Looking.", 0), Update("b", "identified", "Found.", 15),
            Update("c", "resolved", "Fixed.", 40));

        var items = timeline.FindAll("li.post");

        Assert.Equal(["update-a", "update-b", "update-c"], items.Select(i => i.Id));
        Assert.Equal(["Investigating", "Identified", "Resolved"], items.Select(i => i.QuerySelector("strong")!.TextContent));
        Assert.Equal("2026-08-19T12:52:00Z", items[0].QuerySelector("time")!.GetAttribute("datetime"));
        Assert.Contains("19 Aug 2026, 14:52", items[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrected_update_stays_readable_and_links_to_its_correction_and_back()
    {
        var original = Update("a", "investigating", "Data was lost.", 0) with { CorrectedBy = ["k"] };
        var correction = new Post("k", 9, PostKind.Correction, null, At.AddMinutes(30), At.AddMinutes(30), "ops",
            "No data was lost.", "sha", [], null, "a", "Wrong statement", [], null);

        var timeline = Render(original, correction);

        Assert.Contains("Data was lost.", timeline.Find("#update-a").TextContent, StringComparison.Ordinal);
        Assert.Equal("#update-k", timeline.Find("#update-a > .post-head .corrected").GetAttribute("href"));
        Assert.Single(timeline.FindAll("ol > li.post"));
        Assert.Equal("#update-a", timeline.Find("#update-k .correction-of a").GetAttribute("href"));
        Assert.Contains("Wrong statement", timeline.Find("#update-k").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redacted_update_shows_the_reason_and_not_the_text()
    {
        var redacted = Update("a", "identified", null, 0) with
        {
            Redaction = new Redaction("r", "An access token was pasted", At.AddHours(1), "admin"),
        };

        var timeline = Render(redacted);

        Assert.Equal("Redacted: An access token was pasted", timeline.Find("#update-a .redacted").TextContent);
        Assert.Empty(timeline.FindAll("#update-a .body"));
    }

    [Fact]
    public void Backfilled_updates_say_when_they_were_recorded()
    {
        var timeline = Render(Update("a", "resolved", "Done.", 0, recordedAt: At.AddDays(3)), Update("b", "resolved", "Live.", 5));

        Assert.Contains("recorded 22 Aug 2026", timeline.Find("#update-a .backfilled").TextContent, StringComparison.Ordinal);
        Assert.Empty(timeline.FindAll("#update-b .backfilled"));
        // A <time> the optional script converts, like the update's own time, so a converted page never mixes zones.
        Assert.NotNull(timeline.Find("#update-a .backfilled time[data-local]").GetAttribute("datetime"));
    }

    [Fact]
    public void Hostile_markdown_in_a_body_is_rendered_as_text()
    {
        var timeline = Render(Update("a", "investigating", "<img src=x onerror=alert(1)> [x](javascript:alert(1))", 0));

        Assert.Empty(timeline.FindAll("img"));
        Assert.Empty(timeline.FindAll("#update-a .body a"));
        Assert.Contains("<img src=x onerror=alert(1)>", timeline.Find("#update-a .body").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeline_of_200_updates_shows_all_200_in_order()
    {
        var posts = Enumerable.Range(0, 200).Select(i => Update($"u{i}", "identified", $"Update number {i}.", i)).ToArray();

        var items = Render(posts).FindAll("li.post");

        Assert.Equal(200, items.Count);
        Assert.Equal(posts.Select(p => "update-" + p.Id), items.Select(i => i.Id));
    }

    [Fact]
    public void The_timeline_speaks_french_when_the_reader_does()
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("fr");

        var timeline = Render(Update("a", "investigating", "Analyse.", 0));

        Assert.Equal("Analyse en cours", timeline.Find("strong").TextContent);
        Assert.Contains("19 août 2026, 14:52", timeline.Find("time").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Newest_first_reverses_the_order_without_losing_an_update()
    {
        var timeline = _context.Render<Timeline>(p => p
            .Add(t => t.Posts, [Update("a", "investigating", "1", 0), Update("b", "resolved", "2", 5)])
            .Add(t => t.NewestFirst, true));

        Assert.Equal(["update-b", "update-a"], timeline.FindAll("li.post").Select(i => i.Id));
    }

    [Fact]
    public void An_empty_timeline_renders_an_empty_list()
    {
        Assert.Empty(Render().FindAll("li"));
    }
}
