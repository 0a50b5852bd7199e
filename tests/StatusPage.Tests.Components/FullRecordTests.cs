using System.Collections.Immutable;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.PublicSite;

namespace StatusPage.Tests.Components;

// The full record of an incident (a <details> section, no JS) and its cause history, over a real ledger file.
public sealed class FullRecordTests : IAsyncLifetime
{
    private readonly TestLedger _t = TestLedger.Create();
    private readonly BunitContext _context = PublicComponentContext.Create();

    public Task InitializeAsync()
    {
        _context.Services.AddSingleton(_t.Store);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _t.Dispose();
    }

    private string Record()
    {
        _t.Ok(new DeclareProvider("brightwave", "Brightwave Edge", null));
        var opened = _t.Ok(new OpenIncident("net-1", "Private network interrupted", Impact.Major, IncidentStatus.Investigating, "Looking.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("private-network", ComponentStatus.MajorOutage),
            new CauseInput(CauseKind.Upstream, "halden", "HH-2290114")), "alice");
        var first = opened.Entries.Single(e => e.Kind == EntryKinds.IncidentUpdatePosted).Id;
        _t.Time.Advance(TimeSpan.FromHours(1));
        _t.Ok(new PostUpdate("net-1", IncidentStatus.Resolved, "Fixed.", StatedAt: _t.Time.GetUtcNow().AddMinutes(-30)), "bob");
        _t.Ok(new CorrectPost(first, "Looking at FRA1.", "Wrong site"), "bob");
        _t.Ok(new RedactPost(first, "Pasted a token"), "admin");
        _t.Ok(new AttributeCause("net-1", new CauseInput(CauseKind.Upstream, "brightwave", "BW-0001")), "alice");
        return first;
    }

    [Fact]
    public void The_full_record_lists_every_entry_in_ledger_order_with_who_and_what_inside_a_details_element()
    {
        var first = Record();

        var record = _context.Render<FullRecord>(p => p.Add(r => r.SubjectId, "net-1").Add(r => r.Snapshot, _t.State));

        var details = record.Find("details.full-record");
        Assert.Null(details.GetAttribute("open"));
        Assert.Contains("Full record (7)", details.QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        var rows = record.FindAll("ol.record > li");
        var seqs = rows.Select(r => long.Parse(r.Id!["record-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seqs.Order(), seqs);
        string Text(int i) => rows[i].TextContent.ReplaceLineEndings(" ");
        Assert.Contains("Opened: Private network interrupted", Text(0), StringComparison.Ordinal);
        Assert.Contains("by alice", Text(0), StringComparison.Ordinal);
        Assert.Contains("Update: Investigating, stated", Text(1), StringComparison.Ordinal);
        Assert.Contains("Private network: Operational → Major outage", Text(1), StringComparison.Ordinal);
        Assert.Contains("Halden Hosting", Text(2), StringComparison.Ordinal);
        Assert.Contains("Update: Resolved, stated", Text(3), StringComparison.Ordinal);
        Assert.Contains("(backfilled)", Text(3), StringComparison.Ordinal);
        Assert.Contains("by bob", Text(3), StringComparison.Ordinal);
        Assert.Contains("Correction of an update", Text(4), StringComparison.Ordinal);
        Assert.Contains("Wrong site", Text(4), StringComparison.Ordinal);
        Assert.Equal("#update-" + first, rows[4].QuerySelectorAll("a")[1].GetAttribute("href"));
        Assert.Contains("Redaction of an update", Text(5), StringComparison.Ordinal);
        Assert.Contains("Pasted a token", Text(5), StringComparison.Ordinal);
        Assert.Contains("Cause attributed", Text(6), StringComparison.Ordinal);
        Assert.Contains("Brightwave Edge", Text(6), StringComparison.Ordinal);
        Assert.DoesNotContain("Looking.", details.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cause_shows_the_attribution_in_force_since_when_and_by_whom_and_every_earlier_one()
    {
        Record();

        var cause = _context.Render<CauseHistory>(p => p.Add(c => c.Incident, _t.State.Incidents["net-1"]));

        var text = cause.Markup.ReplaceLineEndings(" ");
        Assert.Contains("Brightwave Edge", cause.Find("strong").TextContent, StringComparison.Ordinal);
        Assert.Contains("by alice", cause.Find(".cause-since").TextContent, StringComparison.Ordinal);
        Assert.Equal("2026-11-24T13:00:00Z", cause.Find(".cause-since time").GetAttribute("datetime"));
        var earlier = Assert.Single(cause.FindAll(".cause-history li"));
        Assert.Contains("Halden Hosting", earlier.TextContent, StringComparison.Ordinal);
        Assert.Contains("HH-2290114", earlier.TextContent, StringComparison.Ordinal);
        Assert.Equal(["2026-11-24T12:00:00Z", "2026-11-24T13:00:00Z"], earlier.QuerySelectorAll("time").Select(t => t.GetAttribute("datetime")));
        Assert.Contains("before:", text, StringComparison.Ordinal);
    }
}
