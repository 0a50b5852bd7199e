using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Unit;

public sealed class IncidentRulesTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private static ImmutableSortedDictionary<string, ComponentStatus> Changes(params (string Id, ComponentStatus Status)[] changes) =>
        changes.ToImmutableSortedDictionary(c => c.Id, c => c.Status);

    private static OpenIncident Open(string id = "inc-1", IncidentStatus status = IncidentStatus.Investigating) =>
        new(id, "Ingestion errors", Impact.Major, status, "We are investigating.",
            Changes(("ingestion-api", ComponentStatus.PartialOutage)));

    [Fact]
    public void Opening_an_incident_records_it_with_its_first_update_and_component_status()
    {
        var result = _t.Ok(Open());

        Assert.Equal(2, result.Entries.Length);
        var incident = _t.State.Incidents["inc-1"];
        Assert.Equal(IncidentStatus.Investigating, incident.Status);
        Assert.Single(incident.Updates);
        Assert.Equal("We are investigating.", incident.Updates.Single().Body);
        Assert.Equal(ComponentStatus.PartialOutage, _t.State.Components["ingestion-api"].Status);
        Assert.Equal("ingestion-api", Assert.Single(incident.ComponentIds));
    }

    [Fact]
    public void An_update_to_an_unknown_incident_is_rejected()
    {
        var violation = _t.Refused(new PostUpdate("nope", IncidentStatus.Identified, "Found it."));

        Assert.Equal(RuleKind.NotFound, violation.Kind);
        Assert.Equal("incident_id", violation.Field);
    }

    [Fact]
    public void Posting_to_a_resolved_incident_is_rejected_until_it_is_reopened()
    {
        _t.Ok(Open());
        _t.Time.Advance(TimeSpan.FromMinutes(5));
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Resolved, "Fixed."));
        _t.Time.Advance(TimeSpan.FromMinutes(5));

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Monitoring, "Still watching."));
        Assert.Equal(RuleKind.Conflict, violation.Kind);
        Assert.Equal("resolved_incident_requires_reopen", violation.Rule);

        _t.Ok(new ReopenIncident("inc-1", IncidentStatus.Investigating, "Errors are back."));
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Identified, "Found it."));
        Assert.Equal(IncidentStatus.Identified, _t.State.Incidents["inc-1"].Status);
        Assert.Null(_t.State.Incidents["inc-1"].ResolvedAt);
    }

    [Fact]
    public void Reopening_an_incident_that_is_not_resolved_is_rejected()
    {
        _t.Ok(Open());

        var violation = _t.Refused(new ReopenIncident("inc-1", IncidentStatus.Investigating, "Again."));

        Assert.Equal("only_resolved_reopens", violation.Rule);
    }

    [Fact]
    public void An_unknown_component_is_rejected_and_nothing_is_written()
    {
        var head = _t.State.Head;

        var violation = _t.Refused(new OpenIncident("inc-1", "t", Impact.Minor, IncidentStatus.Investigating, "b",
            Changes(("no-such-thing", ComponentStatus.MajorOutage))));

        Assert.Equal("components.no-such-thing", violation.Field);
        Assert.Equal("known_component", violation.Rule);
        Assert.Equal(head, _t.State.Head);
        Assert.Empty(_t.State.Incidents);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void An_empty_body_is_rejected(string body)
    {
        _t.Ok(Open());

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, body));

        Assert.Equal(("body", "required"), (violation.Field, violation.Rule));
    }

    [Fact]
    public void An_oversized_body_is_rejected_with_the_limit_stated()
    {
        _t.Ok(Open());

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, new string('x', Limits.BodyMaxLength + 1)));

        Assert.Equal("max_length", violation.Rule);
        Assert.Contains(Limits.BodyMaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), violation.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_update_stated_before_the_incident_started_is_rejected()
    {
        _t.Ok(Open() with { StartedAt = TestLedger.Start.AddHours(-1) });

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, "Found it.",
            StatedAt: TestLedger.Start.AddHours(-2)));

        Assert.Equal("not_before_start", violation.Rule);
    }

    [Fact]
    public void An_update_stated_before_the_latest_update_is_rejected()
    {
        _t.Ok(Open() with { StartedAt = TestLedger.Start.AddHours(-1), StatedAt = TestLedger.Start.AddMinutes(-30) });

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, "Found it.",
            StatedAt: TestLedger.Start.AddMinutes(-40)));

        Assert.Equal("not_before_latest_update", violation.Rule);
    }

    [Fact]
    public void An_update_stated_in_the_future_beyond_the_tolerance_is_rejected()
    {
        _t.Ok(Open());

        var violation = _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, "Found it.",
            StatedAt: TestLedger.Start + Limits.FutureTolerance + TimeSpan.FromSeconds(1)));

        Assert.Equal("not_in_future", violation.Rule);
    }

    [Fact]
    public void An_incident_cannot_start_after_its_first_update()
    {
        var violation = _t.Refused(Open() with { StartedAt = TestLedger.Start.AddMinutes(1), StatedAt = TestLedger.Start });

        Assert.Equal("not_after_first_update", violation.Rule);
    }

    [Fact]
    public void A_next_update_promise_must_be_after_the_update_and_absent_when_resolved()
    {
        _t.Ok(Open());

        Assert.Equal("after_update", _t.Refused(new PostUpdate("inc-1", IncidentStatus.Identified, "b",
            NextUpdateBy: TestLedger.Start.AddMinutes(-1))).Rule);
        Assert.Equal("none_when_resolved", _t.Refused(new PostUpdate("inc-1", IncidentStatus.Resolved, "b",
            NextUpdateBy: TestLedger.Start.AddMinutes(30))).Rule);

        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Identified, "b", NextUpdateBy: TestLedger.Start.AddMinutes(30)));
        Assert.Equal(TestLedger.Start.AddMinutes(30), _t.State.Incidents["inc-1"].NextUpdateBy);
    }

    [Fact]
    public void A_duplicate_incident_id_is_a_conflict()
    {
        _t.Ok(Open());

        var violation = _t.Refused(Open());

        Assert.Equal((RuleKind.Conflict, "unique_id"), (violation.Kind, violation.Rule));
    }

    [Theory]
    [InlineData("Has Spaces")]
    [InlineData("UPPER")]
    [InlineData("-leading-dash")]
    [InlineData("../etc/passwd")]
    public void A_malformed_id_is_rejected(string id)
    {
        Assert.Equal("id_format", _t.Refused(Open(id)).Rule);
    }

    [Fact]
    public void Resolving_returns_the_components_the_incident_degraded_to_operational()
    {
        _t.Ok(Open());
        _t.Ok(new SetComponentStatus("query-api", ComponentStatus.DegradedPerformance));
        _t.Time.Advance(TimeSpan.FromMinutes(10));

        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Resolved, "Fixed."));

        Assert.Equal(ComponentStatus.Operational, _t.State.Components["ingestion-api"].Status);
        // Changed by someone else, outside this incident: left alone.
        Assert.Equal(ComponentStatus.DegradedPerformance, _t.State.Components["query-api"].Status);
        var resolve = _t.State.Incidents["inc-1"].LatestUpdate!;
        Assert.Contains(resolve.ComponentChanges, c => c is { ComponentId: "ingestion-api", OldStatus: ComponentStatus.PartialOutage, NewStatus: ComponentStatus.Operational });
        Assert.Equal(TestLedger.Start.AddMinutes(10), _t.State.Incidents["inc-1"].ResolvedAt);
    }

    [Fact]
    public void Status_and_resolve_time_are_derived_from_the_timeline()
    {
        _t.Ok(Open());
        _t.Time.Advance(TimeSpan.FromMinutes(3));
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Monitoring, "Fix deployed."));
        var incident = _t.State.Incidents["inc-1"];
        Assert.Equal(IncidentStatus.Monitoring, incident.Status);
        Assert.Equal(TestLedger.Start.AddMinutes(3), incident.MonitoringAt);
        Assert.Null(incident.ResolvedAt);
    }

    [Fact]
    public void A_correction_keeps_the_original_and_links_both_ways()
    {
        var opened = _t.Ok(Open());
        var original = opened.Entries[1].Id;
        _t.Time.Advance(TimeSpan.FromMinutes(1));

        var correction = _t.Ok(new CorrectPost(original, "We are investigating errors in FRA1 (not AMS2).", "Wrong region")).Entries.Single();

        var posts = _t.State.Incidents["inc-1"].AllPosts;
        var originalPost = posts.Single(p => p.Id == original);
        Assert.Equal("We are investigating.", originalPost.Body);
        Assert.Equal([correction.Id], originalPost.CorrectedBy);
        var correctionPost = posts.Single(p => p.Id == correction.Id);
        Assert.Equal(PostKind.Correction, correctionPost.Kind);
        Assert.Equal(original, correctionPost.Corrects);
        Assert.Equal("Wrong region", correctionPost.Reason);
        Assert.Equal(IncidentStatus.Investigating, _t.State.Incidents["inc-1"].Status);
    }

    [Fact]
    public void Correcting_a_missing_update_is_rejected()
    {
        var violation = _t.Refused(new CorrectPost("does-not-exist", "Text", "Reason"));

        Assert.Equal((RuleKind.NotFound, "update_id"), (violation.Kind, violation.Field));
    }

    [Fact]
    public void A_correction_needs_a_reason_and_cannot_itself_be_corrected()
    {
        var original = _t.Ok(Open()).Entries[1].Id;
        Assert.Equal(("reason", "required"), Pair(_t.Refused(new CorrectPost(original, "Text", " "))));

        var correction = _t.Ok(new CorrectPost(original, "Text", "Typo")).Entries.Single().Id;

        Assert.Equal("correct_the_original", _t.Refused(new CorrectPost(correction, "Text 2", "Typo again")).Rule);
    }

    [Fact]
    public void A_redaction_hides_the_body_shows_the_reason_and_cannot_be_repeated()
    {
        var original = _t.Ok(Open() with { Body = "Token: sk_live_123 leaked here" }).Entries[1];

        _t.Ok(new RedactPost(original.Id, "An access token was pasted by mistake"), "admin");

        var post = _t.State.FindPost(original.Id)!;
        Assert.Null(post.Body);
        Assert.Equal("An access token was pasted by mistake", post.Redaction!.Reason);
        Assert.Equal("admin", post.Redaction.Author);
        Assert.Equal(original.Payload, _t.Store.ReadAll().Single(e => e.Id == original.Id).Payload);
        Assert.Null(_t.Store.ReadAll().Single(e => e.Id == original.Id).Body);
        Assert.Equal("not_already_redacted", _t.Refused(new RedactPost(original.Id, "again")).Rule);
    }

    [Fact]
    public void A_postmortem_needs_a_resolved_incident_and_there_is_only_one()
    {
        _t.Ok(Open());
        Assert.Equal("postmortem_after_resolve", _t.Refused(new PublishPostmortem("inc-1", "What happened")).Rule);

        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Resolved, "Fixed."));
        _t.Ok(new PublishPostmortem("inc-1", "What happened"));

        Assert.Equal("What happened", _t.State.Incidents["inc-1"].Postmortem!.Body);
        Assert.Equal("one_postmortem", _t.Refused(new PublishPostmortem("inc-1", "Again")).Rule);
    }

    [Fact]
    public void An_upstream_cause_names_a_known_provider_and_its_ticket()
    {
        _t.Ok(Open());
        Assert.Equal(("provider", "required"),
            Pair(_t.Refused(new AttributeCause("inc-1", new CauseInput(CauseKind.Upstream)))));
        Assert.Equal("known_provider", _t.Refused(new AttributeCause("inc-1", new CauseInput(CauseKind.Upstream, "acme"))).Rule);
        Assert.Equal("upstream_only", _t.Refused(new AttributeCause("inc-1", new CauseInput(CauseKind.Internal, "halden"))).Rule);

        _t.Ok(new AttributeCause("inc-1", new CauseInput(CauseKind.Upstream, "halden", "HH-2231907")));

        var cause = _t.State.Incidents["inc-1"].Cause;
        Assert.Equal(new Cause(CauseKind.Upstream, "halden", "Halden Hosting", "HH-2231907"), cause);
    }

    [Fact]
    public void Every_entry_records_its_author()
    {
        _t.Ok(Open(), "alice");
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Identified, "Found it."), "bob");

        var authors = _t.Store.ReadAll().Where(e => e.Subject == "inc-1").Select(e => e.Author).ToList();

        Assert.Equal(["alice", "alice", "bob"], authors);
        Assert.Equal("bob", _t.State.Incidents["inc-1"].LatestUpdate!.Author);
    }

    [Fact]
    public void A_live_post_is_not_marked_backfilled_but_an_old_stated_time_is()
    {
        _t.Ok(Open() with { StartedAt = TestLedger.Start.AddDays(-3), StatedAt = TestLedger.Start.AddDays(-3) });
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Identified, "Now."));

        var posts = _t.State.Incidents["inc-1"].Updates.ToList();

        Assert.True(posts[0].IsBackfilled);
        Assert.False(posts[1].IsBackfilled);
        Assert.Equal(TestLedger.Start, posts[0].RecordedAt);
    }

    private static (string, string) Pair(RuleViolation v) => (v.Field, v.Rule);
}
