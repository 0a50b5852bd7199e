using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Unit;

public sealed class MaintenanceAndComponentRulesTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private static ScheduleMaintenance Schedule(string id = "mnt-1") =>
        new(id, "Switch firmware", ["private-network"], TestLedger.Start.AddDays(7), TestLedger.Start.AddDays(7).AddHours(4),
            "We will upgrade the switches.");

    [Fact]
    public void A_maintenance_goes_through_its_lifecycle_and_sets_components_under_maintenance()
    {
        _t.Ok(Schedule());
        Assert.Equal(MaintenanceStatus.Scheduled, _t.State.Maintenances["mnt-1"].Status);

        _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.InProgress, "Started."));
        Assert.Equal(ComponentStatus.UnderMaintenance, _t.State.Components["private-network"].Status);

        _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.Verifying, "Checking."));
        _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.Completed, "Done."));
        Assert.Equal(MaintenanceStatus.Completed, _t.State.Maintenances["mnt-1"].Status);
        Assert.Equal(ComponentStatus.Operational, _t.State.Components["private-network"].Status);
    }

    [Theory]
    [InlineData(MaintenanceStatus.Completed)]
    [InlineData(MaintenanceStatus.Cancelled)]
    public void A_closed_maintenance_takes_no_further_updates(MaintenanceStatus closing)
    {
        _t.Ok(Schedule());
        _t.Ok(new PostMaintenanceUpdate("mnt-1", closing, "Closed."));

        var violation = _t.Refused(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.InProgress, "Again."));

        Assert.Equal((RuleKind.Conflict, "maintenance_closed"), (violation.Kind, violation.Rule));
    }

    [Fact]
    public void A_started_maintenance_cannot_go_back_to_scheduled()
    {
        _t.Ok(Schedule());
        _t.Ok(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.InProgress, "Started."));

        Assert.Equal("valid_transition", _t.Refused(new PostMaintenanceUpdate("mnt-1", MaintenanceStatus.Scheduled, "Back.")).Rule);
    }

    [Fact]
    public void A_maintenance_window_must_end_after_it_starts_and_name_components()
    {
        Assert.Equal("after_scheduled_for", _t.Refused(Schedule() with { ScheduledUntil = TestLedger.Start.AddDays(6) }).Rule);
        Assert.Equal("required", _t.Refused(Schedule() with { Components = [] }).Rule);
        Assert.Equal("known_component", _t.Refused(Schedule() with { Components = ["ghost"] }).Rule);
    }

    [Fact]
    public void An_update_to_an_unknown_maintenance_is_rejected()
    {
        Assert.Equal(RuleKind.NotFound,
            _t.Refused(new PostMaintenanceUpdate("nope", MaintenanceStatus.InProgress, "x")).Kind);
    }

    [Fact]
    public void Incidents_and_maintenance_share_one_id_space()
    {
        _t.Ok(Schedule("shared-id"));

        var violation = _t.Refused(new OpenIncident("shared-id", "t", Impact.Minor, IncidentStatus.Investigating, "b",
            System.Collections.Immutable.ImmutableSortedDictionary<string, ComponentStatus>.Empty));

        Assert.Equal("unique_id", violation.Rule);
    }

    [Fact]
    public void Setting_the_status_of_an_unknown_component_is_rejected()
    {
        Assert.Equal(RuleKind.NotFound, _t.Refused(new SetComponentStatus("ghost", ComponentStatus.MajorOutage)).Kind);
    }

    [Fact]
    public void Declaring_a_component_again_unchanged_appends_nothing_and_a_change_appends_one_entry()
    {
        var head = _t.State.Head;
        var same = _t.Ok(new DeclareComponent("query-api", "Query API", "Reads", "api", 99.9m, 2));
        Assert.Empty(same.Entries);
        Assert.Equal(head, _t.State.Head);

        var renamed = _t.Ok(new DeclareComponent("query-api", "Query API (v2)", "Reads", "api", 99.9m, 2));

        Assert.Single(renamed.Entries);
        Assert.Equal("Query API (v2)", _t.State.Components["query-api"].Name);
    }

    [Fact]
    public void A_component_in_an_unknown_group_or_with_a_bad_sla_is_rejected()
    {
        Assert.Equal("known_group", _t.Refused(new DeclareComponent("x", "X", null, "nogroup", null, 9)).Rule);
        Assert.Equal("percentage", _t.Refused(new DeclareComponent("x", "X", null, null, 101m, 9)).Rule);
    }

    [Fact]
    public void Backfilled_status_changes_land_in_stated_time_order()
    {
        _t.Ok(new SetComponentStatus("query-api", ComponentStatus.DegradedPerformance));
        _t.Ok(new SetComponentStatus("query-api", ComponentStatus.MajorOutage, TestLedger.Start.AddDays(-10)));

        var component = _t.State.Components["query-api"];

        Assert.Equal(ComponentStatus.DegradedPerformance, component.Status);
        Assert.Equal([ComponentStatus.MajorOutage, ComponentStatus.DegradedPerformance], component.Changes.Select(c => c.Status));
        // A replay inserts into the same order (it projects through in-place builders, a live append through copies).
        _t.Restart();
        Assert.Equal(component.Changes, _t.State.Components["query-api"].Changes);
    }
}
