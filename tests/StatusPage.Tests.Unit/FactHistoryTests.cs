using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Unit;

// Values an entry can set are kept with their history in the read model: cause attributions, component declarations.
public sealed class FactHistoryTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private void Open(string id) =>
        _t.Ok(new OpenIncident(id, "Private network interrupted", Impact.Major, IncidentStatus.Investigating, "Looking.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("private-network", ComponentStatus.MajorOutage),
            new CauseInput(CauseKind.Upstream, "halden", "HH-2290114")));

    [Fact]
    public void Every_cause_attribution_is_kept_in_ledger_order_with_its_recorded_time_and_author()
    {
        _t.Ok(new DeclareProvider("brightwave", "Brightwave Edge", null));
        Open("net-1");
        _t.Time.Advance(TimeSpan.FromDays(2));

        _t.Ok(new AttributeCause("net-1", new CauseInput(CauseKind.Upstream, "brightwave", "BW-0001")), "alice");

        var incident = _t.State.Incidents["net-1"];
        Assert.Equal(["Halden Hosting", "Brightwave Edge"], incident.Causes.Select(c => c.Cause.ProviderName));
        Assert.Equal(["HH-2290114", "BW-0001"], incident.Causes.Select(c => c.Cause.Ticket));
        Assert.Equal(["tester", "alice"], incident.Causes.Select(c => c.Author));
        Assert.Equal([TestLedger.Start, TestLedger.Start.AddDays(2)], incident.Causes.Select(c => c.RecordedAt));
        Assert.True(incident.Causes[0].Seq < incident.Causes[1].Seq);
        Assert.Equal(incident.Causes[^1].Cause, incident.Cause);
    }

    [Fact]
    public void A_renamed_component_answers_its_name_and_sla_target_as_they_were_at_a_time()
    {
        var before = _t.Time.GetUtcNow();
        _t.Time.Advance(TimeSpan.FromDays(1));
        var renamedAt = _t.Time.GetUtcNow();

        _t.Ok(new DeclareComponent("private-network", "Backup link", null, null, 99.5m, 3), "alice");

        var component = _t.State.Components["private-network"];
        Assert.Equal("Backup link", component.Name);
        Assert.Equal("Private network", component.NameAt(before));
        Assert.Equal("Private network", component.NameAt(DateTimeOffset.MinValue));
        Assert.Equal("Backup link", component.NameAt(renamedAt));
        Assert.Equal(99.9m, component.SlaTargetAt(before));
        Assert.Equal(99.5m, component.SlaTargetAt(renamedAt));
        Assert.Equal(["tester", "alice"], component.Revisions.Select(r => r.Author));
    }

    [Fact]
    public void A_redeclaration_that_changes_nothing_adds_no_revision()
    {
        _t.Ok(new DeclareComponent("private-network", "Private network", null, null, 99.9m, 3));

        Assert.Single(_t.State.Components["private-network"].Revisions);
    }
}
