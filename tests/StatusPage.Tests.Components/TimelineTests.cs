using System.Globalization;
using Bunit;
using StatusPage.Client.Contracts;
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
        new(id, minutes, PostKind.Update, PostStatus.Of(Enum.Parse<IncidentStatus>(status, ignoreCase: true)), At.AddMinutes(minutes), recordedAt ?? At.AddMinutes(minutes), "ops", body,
            BodyDigest.Of("sha"), [], null, null, null, [], null);

    private static Post Correction(string id, string corrects, string body, int minutes) =>
        new(id, 100 + minutes, PostKind.Correction, null, At.AddMinutes(minutes), At.AddMinutes(minutes), "ops", body, BodyDigest.Of("sha"), [], null,
            corrects, "Wrong statement", [], null);

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
    public void A_correction_is_an_item_at_its_own_time_the_original_superseded_and_each_links_to_the_other()
    {
        var original = Update("a", "investigating", "Data was lost.", 0) with { CorrectedBy = ["k"] };
        var later = Update("b", "identified", "Found.", 20);
        var correction = Correction("k", "a", "No data was lost.", 30);

        var timeline = Render(original, later, correction);

        Assert.Equal(["update-a", "update-b", "update-k"], timeline.FindAll("ol > li.post").Select(i => i.Id));
        Assert.Contains("superseded", timeline.Find("#update-a").ClassList);
        Assert.Contains("Data was lost.", timeline.Find("#update-a > .body").TextContent, StringComparison.Ordinal);
        Assert.Equal("#update-k", timeline.Find("#update-a > .post-head .corrected").GetAttribute("href"));
        Assert.Equal("Superseded — see the correction", timeline.Find("#update-a .corrected").TextContent);
        Assert.Equal("#update-a", timeline.Find("#update-k .correction-of a").GetAttribute("href"));
        Assert.Equal("Corrects the update of 19 Aug 2026, 14:52", timeline.Find("#update-k .correction-of a").TextContent);
        Assert.Contains("Reason: Wrong statement", timeline.Find("#update-k .correction-of").TextContent, StringComparison.Ordinal);
        Assert.Equal("No data was lost.", timeline.Find("#update-k > .body").TextContent.Trim());
        Assert.DoesNotContain("superseded", timeline.Find("#update-b").ClassList);
    }

    [Fact]
    public void A_correction_shows_a_word_diff_of_what_changed()
    {
        var timeline = Render(Update("a", "identified", "Data sent between 12:47 and 13:10 was lost.", 0) with { CorrectedBy = ["k"] },
            Correction("k", "a", "Data sent between 12:47 and 13:10 was kept.", 30));

        var diff = timeline.Find("#update-k .diff .diff-text");
        Assert.Equal(["lost"], diff.QuerySelectorAll("del").Select(e => e.TextContent));
        Assert.Equal(["kept"], diff.QuerySelectorAll("ins").Select(e => e.TextContent));
        Assert.Equal("Data sent between 12:47 and 13:10 was lostkept.", diff.TextContent.Trim());
    }

    [Fact]
    public void The_diff_of_hostile_text_is_escaped_text_not_markup()
    {
        var timeline = Render(Update("a", "identified", "Fine <b>bold</b>", 0) with { CorrectedBy = ["k"] },
            Correction("k", "a", "Fine <img src=x onerror=alert(1)> [x](javascript:alert(1))", 30));

        var diff = timeline.Find("#update-k .diff");
        Assert.Empty(diff.QuerySelectorAll("img, b, a, script"));
        Assert.Contains("<img src=x onerror=alert(1)>", diff.TextContent, StringComparison.Ordinal);
        Assert.Contains("&lt;img", diff.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redacted_original_keeps_its_reason_and_its_correction_shows_no_diff()
    {
        var original = Update("a", "identified", null, 0) with
        {
            CorrectedBy = ["k"],
            Redaction = new Redaction("r", "A customer name was pasted", At.AddHours(1), "admin"),
        };

        var timeline = Render(original, Correction("k", "a", "Without the name.", 30));

        Assert.Equal("Redacted: A customer name was pasted", timeline.Find("#update-a .redacted").TextContent);
        Assert.Empty(timeline.FindAll(".diff"));
        Assert.Equal("Without the name.", timeline.Find("#update-k > .body").TextContent.Trim());
    }

    [Fact]
    public void Word_diff_parts_give_back_both_texts_and_shorten_long_unchanged_runs()
    {
        var before = string.Join(' ', Enumerable.Range(0, 60).Select(i => "w" + i)) + ".\n\nSecond paragraph stays.";
        var after = before.Replace("w30", "W-thirty", StringComparison.Ordinal);

        var full = WordDiff.Between(before, after, context: 1000);
        Assert.Equal(before, string.Concat(full.Where(p => p.Change is not WordDiff.Change.Inserted).Select(p => p.Text)));
        Assert.Equal(after, string.Concat(full.Where(p => p.Change is not WordDiff.Change.Deleted).Select(p => p.Text)));

        var shortened = WordDiff.Between(before, after);
        Assert.Equal(2, shortened.Count(p => p.Change == WordDiff.Change.Elided));
        Assert.Equal("w30", Assert.Single(shortened, p => p.Change == WordDiff.Change.Deleted).Text);
        Assert.Equal("W-thirty", Assert.Single(shortened, p => p.Change == WordDiff.Change.Inserted).Text);
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
    public void The_latest_status_update_is_tagged_and_newest_first_puts_it_on_top()
    {
        var timeline = _context.Render<Timeline>(p => p
            .Add(t => t.Posts, [Update("a", "investigating", "1", 0), Update("b", "identified", "2", 5)])
            .Add(t => t.NewestFirst, true));

        var first = timeline.FindAll("li.post")[0];
        Assert.Equal("update-b", first.Id);
        Assert.Contains("post-latest", first.ClassList);
        Assert.Equal("Latest update", first.QuerySelector(".latest-tag")!.TextContent);
        Assert.Single(timeline.FindAll(".latest-tag"));
    }

    [Theory]
    [InlineData("en", 30, "Next update by 19 Aug 2026, 15:52", false)]
    [InlineData("en", 90, "Overdue: the next update was promised by 19 Aug 2026, 15:52", true)]
    [InlineData("fr", 90, "En retard\u00a0: la prochaine mise à jour était promise avant 19 août 2026, 15:52", true)]
    public void A_next_update_promise_that_has_passed_says_it_is_overdue_in_the_readers_language(string language, int minutesLater, string text, bool overdue)
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo(language);
        var promise = Update("a", "identified", "Working on it.", 0) with { NextUpdateBy = At.AddHours(1) };

        var timeline = _context.Render<Timeline>(p => p.Add(t => t.Posts, [promise]).Add(t => t.Now, At.AddMinutes(minutesLater)));

        var line = timeline.Find(".next-update");
        Assert.Equal(text, line.TextContent);
        Assert.Equal(overdue, line.ClassList.Contains("overdue"));
    }

    [Fact]
    public void A_promise_on_a_resolved_update_is_not_shown_as_overdue()
    {
        var resolved = Update("a", "resolved", "Fixed.", 0) with { NextUpdateBy = At.AddHours(1) };

        var timeline = _context.Render<Timeline>(p => p.Add(t => t.Posts, [resolved]).Add(t => t.Now, At.AddDays(3)));

        Assert.Empty(timeline.FindAll(".next-update"));
    }

    [Fact]
    public void Imported_history_says_once_when_it_was_imported_while_live_backdating_stays_marked_per_update()
    {
        var imported = Update("a", "investigating", "From the file.", 0, recordedAt: At.AddDays(105)) with { Author = "content/incidents/x.md" };
        var importedToo = Update("b", "identified", "Also from the file.", 10, recordedAt: At.AddDays(105)) with { Author = "content/incidents/x.md" };
        var backdated = Update("c", "monitoring", "Posted late through the API.", 20, recordedAt: At.AddDays(105).AddHours(1));

        var timeline = Render(imported, importedToo, backdated);

        Assert.Equal("Imported from content/ on 2 Dec 2026; times as stated by the author.", Assert.Single(timeline.FindAll(".imported-note")).TextContent);
        Assert.Empty(timeline.FindAll("#update-a .backfilled"));
        Assert.Empty(timeline.FindAll("#update-b .backfilled"));
        Assert.Contains("recorded 2 Dec 2026", timeline.Find("#update-c .backfilled").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_timeline_has_no_import_note()
    {
        Assert.Empty(Render(Update("a", "investigating", "Live.", 0)).FindAll(".imported-note"));
    }

    [Fact]
    public void An_empty_timeline_renders_an_empty_list()
    {
        Assert.Empty(Render().FindAll("li"));
    }
}
