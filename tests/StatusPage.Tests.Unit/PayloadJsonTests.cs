using System.Collections.Immutable;
using System.Text.Json;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Unit;

// Payloads are hashed as stored: their JSON text is part of the published history, so its form must never drift
// (for example when the serializer's metadata moves from reflection to source generation).
public sealed class PayloadJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 1, 56, 0, TimeSpan.Zero);

    public static TheoryData<string, IEntryPayload, string> Payloads => new()
    {
        { EntryKinds.ProviderDeclared, new ProviderDeclared("Halden Hosting", null), """{"name":"Halden Hosting","url":null}""" },
        { EntryKinds.ComponentDeclared, new ComponentDeclared("Query API", "Reads", "core", 99.95m, 2),
            """{"name":"Query API","description":"Reads","group_id":"core","sla_target":99.95,"position":2}""" },
        { EntryKinds.IncidentOpened, new IncidentOpened("Private network down", Impact.Major, ["private-network", "query-api"], At),
            """{"title":"Private network down","impact":"major","components":["private-network","query-api"],"started_at":"2026-03-14T01:56:00+00:00"}""" },
        { EntryKinds.IncidentUpdatePosted, new IncidentUpdatePosted(IncidentStatus.Identified, At, new string('a', 64),
                ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("query-api", ComponentStatus.DegradedPerformance)
                    .Add("Private-Network", ComponentStatus.MajorOutage), At.AddMinutes(30)),
            """{"status":"identified","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","components":{"Private-Network":"major_outage","query-api":"degraded_performance"},"next_update_by":"2026-03-14T02:26:00+00:00"}""" },
        { EntryKinds.CauseAttributed, new CauseAttributed(CauseKind.Upstream, "halden", "HH-1"),
            """{"cause":"upstream","provider":"halden","ticket":"HH-1"}""" },
        { EntryKinds.MaintenanceUpdatePosted, new MaintenanceUpdatePosted(MaintenanceStatus.InProgress, At, "b",
                ImmutableSortedDictionary<string, ComponentStatus>.Empty),
            """{"status":"in_progress","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"b","components":{}}""" },
        { EntryKinds.OperatorCreated, new OperatorCreated(OperatorRole.Admin), """{"role":"admin"}""" },
        { EntryKinds.RequestCompleted, new RequestCompleted("k", "r", 201, "/api/v1/incidents/x", "{\"a\":\"é<\"}"),
            """{"key_sha256":"k","request_sha256":"r","status":201,"location":"/api/v1/incidents/x","response":"{\u0022a\u0022:\u0022\u00E9\u003C\u0022}"}""" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void A_payload_is_written_in_its_fixed_form_and_read_back_equal(string kind, IEntryPayload payload, string json)
    {
        Assert.Equal(json, PayloadJson.Serialize(payload));
        var read = PayloadJson.Deserialize(kind, json);
        Assert.Equal(json, PayloadJson.Serialize(read));
        Assert.Equal(payload.GetType(), read.GetType());
    }

    [Fact]
    public void Every_entry_kind_has_generated_metadata_for_its_payload_type()
    {
        var missing = EntryKinds.PayloadTypes.Where(p => PayloadJsonContext.Default.GetTypeInfo(p.Value) is null).Select(p => p.Key);
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("""{"role":0}""", "operator.created")]
    [InlineData("""{"status":"resolved","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"b","components":{"api":0}}""",
        "maintenance.update_posted")]
    [InlineData("""{"status":"resolved","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"b","components":{"api":"down"}}""",
        "maintenance.update_posted")]
    [InlineData("""{"status":"resolved","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"b","components":["api"]}""",
        "maintenance.update_posted")]
    public void A_number_or_unknown_word_where_a_status_word_belongs_is_refused(string json, string kind)
    {
        Assert.ThrowsAny<JsonException>(() => PayloadJson.Deserialize(kind, json));
    }

    [Fact]
    public void Component_changes_read_in_component_order_whatever_the_order_written()
    {
        var read = (MaintenanceUpdatePosted)PayloadJson.Deserialize(EntryKinds.MaintenanceUpdatePosted,
            """{"status":"completed","stated_at":"2026-03-14T01:56:00+00:00","body_sha256":"b","components":{"zeta":"operational","alpha":"major_outage"}}""");

        Assert.Equal(["alpha", "zeta"], read.Components.Keys);
        Assert.Equal(ComponentStatus.MajorOutage, read.Components["alpha"]);
    }
}
