using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Unit;

// The edge rules of issue 11: ids to the true end of the string, clean text, times in the documented range. Checked by the
// shared validators and again by the domain rules, so content ingestion and the API refuse the same things.
public sealed class BadInputRulesTests : IDisposable
{
    private static readonly WriteContext Context = new(TestLedger.Start, id => id == "ingestion-api");
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private static OpenIncident Open(string id = "inc-1", string title = "Ingestion errors", string body = "Looking.") =>
        new(id, title, Impact.Major, IncidentStatus.Investigating, body, ImmutableSortedDictionary<string, ComponentStatus>.Empty);

    [Theory]
    [InlineData("demo-id\n")]
    [InlineData("demo-id\r\n")]
    [InlineData("demo-id\u0000")]
    public void An_id_with_anything_after_its_last_letter_is_refused(string id)
    {
        var validation = new CreateIncidentValidator(Context).Validate(new CreateIncidentRequest
        {
            Id = id, Title = "t", Impact = "minor", Status = "investigating", Body = "b",
        });
        var domain = _t.Refused(Open(id));

        Assert.Contains(validation.Errors, e => e.PropertyName == "id" && e.ErrorCode == "id_format");
        Assert.Equal(("id", "id_format"), (domain.Field, domain.Rule));
        Assert.Empty(_t.State.Incidents);
    }

    // UTF-16 code units, not strings: a test runner would turn a lone surrogate in a string argument into U+FFFD.
    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0007)]
    [InlineData(0x001B)]
    [InlineData(0x007F)]
    [InlineData(0x0085)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xFDD0)]
    [InlineData(0xD800)]
    [InlineData(0xDC00)]
    [InlineData(0xD83F, 0xDFFE)]
    public void Control_characters_noncharacters_and_lone_surrogates_are_refused_in_text(params int[] units)
    {
        var bad = new string([.. units.Select(u => (char)u)]);
        var validation = new CreateIncidentValidator(Context).Validate(new CreateIncidentRequest
        {
            Title = "Errors " + bad, Impact = "minor", Status = "investigating", Body = "Body " + bad,
        });
        var title = _t.Refused(Open(title: "Errors " + bad));
        var body = _t.Refused(Open(body: "Body " + bad));

        Assert.Contains(validation.Errors, e => e.PropertyName == "title" && e.ErrorCode == SafeText.Rule);
        Assert.Contains(validation.Errors, e => e.PropertyName == "body" && e.ErrorCode == SafeText.Rule);
        Assert.Equal(("title", SafeText.Rule), (title.Field, title.Rule));
        Assert.Equal(("body", SafeText.Rule), (body.Field, body.Rule));
        Assert.Equal("Errors \uFFFD", SafeText.Clean("Errors " + bad));
    }

    [Fact]
    public void Tabs_line_breaks_and_every_other_character_are_text()
    {
        const string text = "Line 1\r\nLine 2\n\tindented — café, 東京, emoji 🚀, U+FFFD \uFFFD";

        Assert.True(SafeText.IsClean(text));
        Assert.Same(text, SafeText.Clean(text));
        _t.Ok(Open(title: "Errors — café 🚀", body: text));
    }

    [Fact]
    public void Times_before_2000_are_refused()
    {
        var before = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero);
        var validation = new CreateIncidentValidator(Context).Validate(new CreateIncidentRequest
        {
            Title = "t", Impact = "minor", Status = "investigating", Body = "b", StatedAt = DateTimeOffset.MinValue, StartedAt = before,
        });

        Assert.Contains(validation.Errors, e => e.PropertyName == "stated_at" && e.ErrorCode == TimeRules.MinTime);
        Assert.Contains(validation.Errors, e => e.PropertyName == "started_at" && e.ErrorCode == TimeRules.MinTime);
        Assert.Equal(("stated_at", TimeRules.MinTime), Pair(_t.Refused(Open() with { StatedAt = DateTimeOffset.MinValue })));
        Assert.Equal(("started_at", TimeRules.MinTime), Pair(_t.Refused(Open() with { StartedAt = before })));
    }

    [Fact]
    public void A_stated_time_more_than_60_seconds_ahead_is_refused()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), Limits.FutureTolerance);
        _t.Ok(Open("inc-1") with { StatedAt = TestLedger.Start.AddSeconds(60) });
        Assert.Equal(("stated_at", "not_in_future"), Pair(_t.Refused(Open("inc-2") with { StatedAt = TestLedger.Start.AddSeconds(61) })));
    }

    [Fact]
    public void Maintenance_and_promised_updates_lie_at_most_five_years_ahead()
    {
        var from = TestLedger.Start.AddDays(1);
        var far = TestLedger.Start + Limits.PlanningHorizon + TimeSpan.FromDays(1);
        var validation = new ScheduleMaintenanceValidator(Context).Validate(new ScheduleMaintenanceRequest
        {
            Title = "t", Body = "b", Components = ["ingestion-api"], ScheduledFor = from, ScheduledUntil = DateTimeOffset.MaxValue,
        });

        Assert.Contains(validation.Errors, e => e.PropertyName == "scheduled_until" && e.ErrorCode == TimeRules.MaxTime);
        Assert.Equal(("scheduled_until", TimeRules.MaxTime),
            Pair(_t.Refused(new ScheduleMaintenance("m-1", "t", ["ingestion-api"], from, far, "b"))));
        Assert.Equal(("scheduled_for", TimeRules.MinTime),
            Pair(_t.Refused(new ScheduleMaintenance("m-1", "t", ["ingestion-api"], DateTimeOffset.MinValue, from, "b"))));
        Assert.Equal(("next_update_by", TimeRules.MaxTime), Pair(_t.Refused(Open() with { NextUpdateBy = far })));
        _t.Ok(new ScheduleMaintenance("m-1", "t", ["ingestion-api"], from, from.AddHours(2), "b"));
    }

    private static (string, string) Pair(RuleViolation violation) => (violation.Field, violation.Rule);
}
