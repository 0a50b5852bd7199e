using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Content;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Unit;

public sealed class ContentIngestionTests : IDisposable
{
    private const string Site = """
        name: Test Co
        url: https://status.test.example
        time_zone: Europe/Paris
        languages: [en, fr]
        providers:
          - id: halden
            name: Halden Hosting
        groups:
          - id: infra
            name: Infrastructure
            components:
              - id: private-network
                name: Private network
                sla: 99.9
        components:
          - id: dashboard
            name: Dashboard
        """;

    private const string Incident = """
        ---
        id: net-1
        title: Private network interrupted
        impact: major
        components: [private-network]
        started_at: 2026-06-14T01:56:00Z
        cause: upstream
        provider: halden
        ticket: HH-1
        ---

        ## 2026-06-14T02:03:00Z investigating
        components: private-network=major_outage
        next_update_by: 2026-06-14T02:30:00Z

        We are investigating an interruption between FRA1 and AMS2.

        ## 2026-06-14T02:41:00Z resolved
        components: private-network=operational

        The link is stable again.

        ## 2026-06-14T02:50:00Z correction 2026-06-14T02:03:00Z
        reason: Wrong data center named.

        We are investigating an interruption between FRA1 and FRA2.
        """;

    private readonly TestLedger _t = TestLedger.Create(seed: false);
    private readonly string _content = Directory.CreateTempSubdirectory("statuspage-content-").FullName;
    private readonly SiteSettingsHolder _site = new();

    public ContentIngestionTests()
    {
        Directory.CreateDirectory(Path.Combine(_content, "incidents"));
        Directory.CreateDirectory(Path.Combine(_content, "maintenance"));
        File.WriteAllText(Path.Combine(_content, "site.yml"), Site);
        Write("incidents/net-1.md", Incident);
    }

    public void Dispose()
    {
        _t.Dispose();
        Directory.Delete(_content, recursive: true);
    }

    private void Write(string relative, string text) => File.WriteAllText(Path.Combine(_content, relative), text);

    private IngestReport Ingest() =>
        new ContentIngestor(_t.Ledger, _site, NullLogger<ContentIngestor>.Instance).IngestAsync(_content).GetAwaiter().GetResult();

    [Fact]
    public void Site_file_and_incident_are_ingested_with_stated_and_recorded_times()
    {
        var report = Ingest();

        Assert.Empty(report.Problems);
        Assert.Equal("Test Co", _site.Current.Name);
        Assert.Equal("Europe/Paris", _site.Current.TimeZone.Id);
        Assert.Equal(["infra"], _t.State.Groups.Keys);
        Assert.Equal("infra", _t.State.Components["private-network"].GroupId);
        var incident = _t.State.Incidents["net-1"];
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 1, 56, 0, TimeSpan.Zero), incident.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 2, 41, 0, TimeSpan.Zero), incident.ResolvedAt);
        Assert.Equal(new Cause(CauseKind.Upstream, "halden", "Halden Hosting", "HH-1"), incident.Cause);
        var first = incident.Updates.First();
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 2, 3, 0, TimeSpan.Zero), first.StatedAt);
        Assert.Equal(TestLedger.Start, first.RecordedAt);
        Assert.True(first.IsBackfilled);
        Assert.Equal("content/incidents/net-1.md", first.Author);
        Assert.Equal("We are investigating an interruption between FRA1 and AMS2.", first.Body);
        Assert.Single(first.CorrectedBy);
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 2, 30, 0, TimeSpan.Zero), first.NextUpdateBy);
    }

    [Fact]
    public void Ingesting_the_same_content_again_appends_nothing()
    {
        var first = Ingest();
        var head = _t.State.Head;

        var second = Ingest();
        _t.Restart();
        var third = Ingest();

        Assert.True(first.Appended > 0);
        Assert.Equal(0, second.Appended);
        Assert.Equal(0, third.Appended);
        Assert.Equal(head, _t.State.Head);
    }

    [Fact]
    public void A_content_update_to_an_incident_opened_through_the_api_is_backdating_not_imported_history()
    {
        Ingest();
        _t.Ok(new OpenIncident("live-1", "Dashboard unavailable", Impact.Major, IncidentStatus.Investigating, "Looking into it.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("dashboard", ComponentStatus.MajorOutage)), "alice");
        _t.Time.Advance(TimeSpan.FromDays(1));
        Write("incidents/live-1.md", """
            ---
            id: live-1
            title: Dashboard unavailable
            impact: major
            components: [dashboard]
            started_at: 2026-11-24T12:00:00Z
            ---

            ## 2026-11-24T13:00:00Z resolved
            components: dashboard=operational

            Fixed an hour after it began; written into the file a day later.
            """);

        var report = Ingest();

        Assert.Empty(report.Problems);
        for (var replayed = 0; replayed < 2; replayed++) // as appended, then as replayed after a restart
        {
            var resolved = _t.State.Incidents["live-1"].Updates.Last();
            Assert.Equal(("content/incidents/live-1.md", true, false), (resolved.Author, resolved.IsBackfilled, resolved.IsImported));
            var dashboard = _t.State.Components["dashboard"];
            var change = Assert.Single(dashboard.Changes, c => c.Seq == resolved.Seq);
            Assert.Equal((true, false), (change.IsBackfilled, change.IsImported));
            // A file that created its incident is still imported history, marked once per timeline.
            Assert.All(_t.State.Incidents["net-1"].AllPosts, p => Assert.True(p.IsImported, p.Id));
            Assert.All(_t.State.Components["private-network"].Changes, c => Assert.True(c.IsImported));
            // "As recorded", the outage lasted until the file was read (a day), not the hour it states.
            var stated = UptimeCalculator.Compute(dashboard, TestLedger.Start, _t.Time.GetUtcNow());
            var asRecorded = UptimeCalculator.ComputeAsRecorded(dashboard, TestLedger.Start, _t.Time.GetUtcNow());
            Assert.Equal(60, stated.DowntimeMinutes, 6);
            Assert.Equal(24 * 60, asRecorded.DowntimeMinutes, 6);
            _t.Restart();
        }
    }

    [Fact]
    public void An_update_added_to_the_file_later_is_appended_once()
    {
        // First only the opening update exists in the file; later the author adds two more.
        Write("incidents/net-1.md", Incident[..Incident.IndexOf("## 2026-06-14T02:41", StringComparison.Ordinal)]);
        Ingest();
        Assert.Equal(IncidentStatus.Investigating, _t.State.Incidents["net-1"].Status);
        Write("incidents/net-1.md", Incident.Replace("## 2026-06-14T02:41:00Z resolved", """
            ## 2026-06-14T02:20:00Z monitoring

            A fix is in place.

            ## 2026-06-14T02:41:00Z resolved
            """, StringComparison.Ordinal));

        var report = Ingest();

        Assert.Empty(report.Problems);
        Assert.Equal(3, report.Appended);
        Assert.Equal(["investigating", "monitoring", "resolved"], _t.State.Incidents["net-1"].Updates.Select(u => u.Status?.Word));
    }

    [Fact]
    public void A_recorded_update_changed_in_the_file_is_reported_with_file_line_and_difference_and_never_overwritten()
    {
        Ingest();
        var head = _t.State.Head;
        Write("incidents/net-1.md", Incident.Replace("The link is stable again.", "The link was never down.", StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal("incidents/net-1.md", problem.File);
        Assert.Equal(18, problem.Line);
        Assert.Contains("2026-06-14T02:41:00Z was already recorded", problem.Message, StringComparison.Ordinal);
        Assert.Contains("\"The link is stable again.\"", problem.Message, StringComparison.Ordinal);
        Assert.Contains("\"The link was never down.\"", problem.Message, StringComparison.Ordinal);
        Assert.Equal(head, _t.State.Head);
        Assert.Equal("The link is stable again.", _t.State.Incidents["net-1"].LatestUpdate!.Body);
    }

    [Fact]
    public void A_changed_status_of_a_recorded_update_is_reported()
    {
        Ingest();
        Write("incidents/net-1.md", Incident.Replace("02:03:00Z investigating", "02:03:00Z identified", StringComparison.Ordinal));

        var problem = Assert.Single(Ingest().Problems);

        Assert.Contains("status is 'identified' in the file but 'investigating' was recorded", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_files_are_reported_with_file_and_line_and_the_rest_still_loads()
    {
        Write("incidents/bad-yaml.md", "---\nid: bad-yaml\ntitle: [unclosed\n---\n\n## 2026-06-01T00:00:00Z investigating\n\nx\n");
        Write("incidents/bad-component.md", """
            ---
            id: bad-component
            title: Ghost
            components: [ghost]
            ---

            ## 2026-06-01T00:00:00Z investigating
            components: ghost=major_outage

            Boo.
            """);
        Write("incidents/bad-time.md", """
            ---
            id: bad-time
            title: Bad time
            ---

            ## yesterday investigating

            When?
            """);
        Write("incidents/bad-status.md", """
            ---
            id: bad-status
            title: Bad status
            ---

            ## 2026-06-01T00:00:00Z exploding

            Hmm.
            """);

        var report = Ingest();

        Assert.Contains(report.Problems, p => p is { File: "incidents/bad-yaml.md", Line: 3 } && p.Message.Contains("bad YAML", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p is { File: "incidents/bad-component.md", Line: 7 } && p.Message.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p is { File: "incidents/bad-time.md", Line: 6 } && p.Message.Contains("cannot read the section heading", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p is { File: "incidents/bad-status.md", Line: 6 } && p.Message.Contains("'exploding' is not one of", StringComparison.Ordinal));
        Assert.True(_t.State.Incidents.ContainsKey("net-1"));
        Assert.Single(_t.State.Incidents);
    }

    // The domain has no length rule for a description; the request validators the API and the console use have.
    [Fact]
    public async Task Content_goes_through_the_request_validators_and_is_refused_with_their_rule()
    {
        File.WriteAllText(Path.Combine(_content, "site.yml"), Site + $$"""

              - id: wordy
                name: Wordy
                description: {{new string('w', Limits.BodyMaxLength + 1)}}
            """);

        var report = await new ContentIngestor(_t.Ledger, _site, NullLogger<ContentIngestor>.Instance, _t.Time).IngestAsync(_content);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("site.yml", problem.File);
        Assert.Equal($"{RuleCatalogue.AtMost("description", Limits.BodyMaxLength)} (description: {RuleCatalogue.MaxLength.Code})", problem.Message);
        Assert.False(_t.State.Components.ContainsKey("wordy"));
        Assert.True(_t.State.Components.ContainsKey("dashboard"));
        Assert.True(_t.State.Incidents.ContainsKey("net-1"));
    }

    [Fact]
    public void A_maintenance_file_is_ingested_through_its_lifecycle()
    {
        Write("maintenance/fw.md", """
            ---
            id: fw
            title: Switch firmware
            components: [private-network]
            scheduled_for: 2026-09-12T00:00:00Z
            scheduled_until: 2026-09-12T04:00:00Z
            ---

            ## 2026-09-01T09:00:00Z scheduled

            We will upgrade the switches.

            ## 2026-09-12T00:00:00Z in_progress
            components: private-network=under_maintenance

            Started.

            ## 2026-09-12T03:10:00Z completed
            components: private-network=operational

            Done.
            """);

        var report = Ingest();

        Assert.Empty(report.Problems);
        var maintenance = _t.State.Maintenances["fw"];
        Assert.Equal(MaintenanceStatus.Completed, maintenance.Status);
        Assert.Equal(3, maintenance.Posts.Count);
        Assert.Equal(ComponentStatus.Operational, _t.State.Components["private-network"].Status);
    }

    [Fact]
    public void An_update_whose_code_block_holds_heading_lines_is_recorded_whole()
    {
        const string body = """
            Run this:
            ```sh
            ## restart the agent
            systemctl restart switch-agent
            ## 2026-06-14T02:10:00Z resolved
            ```
            Then tell us what it printed.
            """;
        Write("incidents/agent.md", $"""
            ---
            id: agent
            title: Agent restarts
            ---

            ## 2026-06-14T02:03:00Z identified

            {body}

            ## 2026-06-14T02:41:00Z resolved

            Fixed.
            """);

        var report = Ingest();

        Assert.Empty(report.Problems);
        var incident = _t.State.Incidents["agent"];
        Assert.Equal(["identified", "resolved"], incident.Updates.Select(u => u.Status?.Word));
        Assert.Equal(body, incident.Updates.First().Body);
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
    }

    [Fact]
    public void A_never_closed_fence_that_swallows_an_update_is_reported_and_nothing_of_it_is_recorded()
    {
        Write("incidents/net-1.md", Incident.Replace("The link is stable again.", "Run this:\n```sh\nsystemctl restart agent", StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("incidents/net-1.md", 22), (problem.File, problem.Line));
        Assert.Contains("never closed", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["investigating"], _t.State.Incidents["net-1"].Updates.Select(u => u.Status?.Word));
    }

    [Theory]
    [InlineData("title: Private network interrupted", "title: Private network down", 3,
        "title is \"Private network down\" in the file but \"Private network interrupted\" was recorded with the incident on 2026-11-24 12:00 UTC")]
    [InlineData("impact: major", "impact: critical", 4, "impact is critical in the file but major was recorded")]
    [InlineData("started_at: 2026-06-14T01:56:00Z", "started_at: 2026-06-14T01:50:00Z", 6,
        "started_at is 2026-06-14T01:50:00Z in the file but 2026-06-14T01:56:00Z was recorded")]
    [InlineData("started_at: 2026-06-14T01:56:00Z\n", "", 2, "started_at is 2026-06-14T02:03:00Z in the file but 2026-06-14T01:56:00Z was recorded")]
    [InlineData("components: [private-network]", "components: [private-network, dashboard]", 5,
        "components is [dashboard, private-network] in the file but [private-network] was recorded")]
    public void An_edited_front_matter_field_of_a_recorded_incident_is_reported_at_its_line_and_never_applied(
        string before, string after, int line, string expected)
    {
        Ingest();
        var head = _t.State.Head;
        Write("incidents/net-1.md", Incident.Replace(before, after, StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("incidents/net-1.md", line), (problem.File, problem.Line));
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Contains("The recorded history is kept and still served", problem.Message, StringComparison.Ordinal);
        Assert.Equal(head, _t.State.Head);
        var incident = _t.State.Incidents["net-1"];
        Assert.Equal(("Private network interrupted", Impact.Major), (incident.Title, incident.Impact));
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 1, 56, 0, TimeSpan.Zero), incident.StartedAt);
    }

    [Theory]
    [InlineData("components: private-network=major_outage", "components: private-network=partial_outage", 12,
        "the components line is 'components: private-network=partial_outage' in the file but 'components: private-network=major_outage' was recorded")]
    [InlineData("components: private-network=major_outage\n", "", 12,
        "the components line is '(none)' in the file but 'components: private-network=major_outage' was recorded")]
    [InlineData("components: private-network=operational", "components: private-network=operational, dashboard=degraded_performance", 18,
        "the components line is 'components: dashboard=degraded_performance, private-network=operational' in the file but 'components: private-network=operational' was recorded")]
    [InlineData("next_update_by: 2026-06-14T02:30:00Z", "next_update_by: 2026-06-14T03:00:00Z", 12,
        "next_update_by is 2026-06-14T03:00:00Z in the file but 2026-06-14T02:30:00Z was recorded")]
    [InlineData("reason: Wrong data center named.", "reason: Typo.", 23,
        "reason is \"Typo.\" in the file but \"Wrong data center named.\" was recorded")]
    public void An_edited_metadata_line_of_a_recorded_update_is_reported_like_a_changed_body(string before, string after, int line, string expected)
    {
        Ingest();
        var head = _t.State.Head;
        Write("incidents/net-1.md", Incident.Replace(before, after, StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("incidents/net-1.md", line), (problem.File, problem.Line));
        Assert.Contains("was already recorded", problem.Message, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(head, _t.State.Head);
    }

    [Fact]
    public void A_cause_edited_in_the_front_matter_is_a_reported_reattribution_that_keeps_the_earlier_one()
    {
        Write("site.yml", Site.Replace("groups:", "  - id: brightwave\n    name: Brightwave Edge\ngroups:", StringComparison.Ordinal));
        Ingest();
        _t.Time.Advance(TimeSpan.FromDays(3));
        Write("incidents/net-1.md", Incident.Replace("provider: halden\nticket: HH-1", "provider: brightwave\nticket: BW-0001", StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("incidents/net-1.md", 7), (problem.File, problem.Line));
        Assert.Contains("cause is upstream 'brightwave' ticket 'BW-0001' in the file but upstream 'halden' ticket 'HH-1' was recorded",
            problem.Message, StringComparison.Ordinal);
        Assert.Contains("recorded as a new attribution", problem.Message, StringComparison.Ordinal);
        var incident = _t.State.Incidents["net-1"];
        Assert.Equal(["halden", "brightwave"], incident.Causes.Select(c => c.Cause.ProviderId));
        Assert.Equal([TestLedger.Start, TestLedger.Start.AddDays(3)], incident.Causes.Select(c => c.RecordedAt));
        Assert.All(incident.Causes, c => Assert.Equal("content/incidents/net-1.md", c.Author));
        Assert.Equal("Brightwave Edge", incident.Cause.ProviderName);
        Assert.Equal(0, Ingest().Appended);
    }

    [Fact]
    public void A_cause_set_through_the_api_is_not_overwritten_at_the_next_start_by_an_unchanged_file()
    {
        Ingest();
        _t.Ok(new AttributeCause("net-1", new CauseInput(CauseKind.Internal)), "alice");

        var report = Ingest();

        Assert.Empty(report.Problems);
        Assert.Equal(0, report.Appended);
        Assert.Equal(CauseKind.Internal, _t.State.Incidents["net-1"].Cause.Kind);
        Assert.Equal(["content/incidents/net-1.md", "alice"], _t.State.Incidents["net-1"].Causes.Select(c => c.Author));
    }

    [Fact]
    public void Components_a_resolve_restores_by_itself_are_not_reported_as_an_edit()
    {
        Write("incidents/net-1.md", Incident.Replace("components: private-network=operational\n", "", StringComparison.Ordinal));
        Ingest();
        Assert.Equal(ComponentStatus.Operational, _t.State.Components["private-network"].Status);

        var again = Ingest();

        Assert.Empty(again.Problems);
        Assert.Equal(0, again.Appended);
    }

    private const string Maintenance = """
        ---
        id: fw
        title: Switch firmware
        components: [private-network]
        scheduled_for: 2026-09-12T00:00:00Z
        scheduled_until: 2026-09-12T04:00:00Z
        ---

        ## 2026-09-01T09:00:00Z scheduled

        We will upgrade the switches.

        ## 2026-09-12T00:00:00Z in_progress

        Started.

        ## 2026-09-12T03:10:00Z completed

        Done.
        """;

    [Fact]
    public void Components_a_maintenance_sets_and_restores_by_itself_are_not_reported_as_an_edit()
    {
        Write("maintenance/fw.md", Maintenance);
        Assert.Empty(Ingest().Problems);
        var posts = _t.State.Maintenances["fw"].Posts;
        Assert.Equal(ComponentStatus.UnderMaintenance, Assert.Single(posts[1].ComponentChanges).NewStatus);
        Assert.Equal(ComponentStatus.Operational, Assert.Single(posts[2].ComponentChanges).NewStatus);

        var again = Ingest();

        Assert.Empty(again.Problems);
        Assert.Equal(0, again.Appended);
    }

    [Theory]
    [InlineData("title: Switch firmware", "title: Switch firmware upgrade", 3, "title is \"Switch firmware upgrade\" in the file but \"Switch firmware\" was recorded with the maintenance")]
    [InlineData("components: [private-network]", "components: [private-network, dashboard]", 4,
        "components is [dashboard, private-network] in the file but [private-network] was recorded")]
    [InlineData("scheduled_for: 2026-09-12T00:00:00Z", "scheduled_for: 2026-09-11T23:00:00Z", 5,
        "scheduled_for is 2026-09-11T23:00:00Z in the file but 2026-09-12T00:00:00Z was recorded")]
    [InlineData("scheduled_until: 2026-09-12T04:00:00Z", "scheduled_until: 2026-09-12T06:00:00Z", 6,
        "scheduled_until is 2026-09-12T06:00:00Z in the file but 2026-09-12T04:00:00Z was recorded")]
    [InlineData("## 2026-09-12T00:00:00Z in_progress\n", "## 2026-09-12T00:00:00Z in_progress\ncomponents: private-network=partial_outage\n", 13,
        "the components line is 'components: private-network=partial_outage' in the file but 'components: private-network=under_maintenance' was recorded")]
    public void An_edit_of_a_recorded_maintenance_is_reported_at_its_line_and_never_applied(string before, string after, int line, string expected)
    {
        Write("maintenance/fw.md", Maintenance);
        Ingest();
        var head = _t.State.Head;
        Write("maintenance/fw.md", Maintenance.Replace(before, after, StringComparison.Ordinal));

        var report = Ingest();

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("maintenance/fw.md", line), (problem.File, problem.Line));
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(head, _t.State.Head);
        Assert.Equal("Switch firmware", _t.State.Maintenances["fw"].Title);
    }
}
