using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatusPage.Server.StatusApi;

internal static class V2Json
{
    // Nulls are written: v2 clients expect every key, null or not.
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

// Atlassian Statuspage's public v2 shapes (STATUSPAGE_V2.md). Names and nullability are the contract; times are ISO 8601 strings with milliseconds.
internal sealed record V2Page(string Id, string Name, string Url, string TimeZone, string UpdatedAt);

internal sealed record V2Status(string Indicator, string Description);

internal sealed record V2Component(
    string Id,
    string Name,
    string Status,
    string CreatedAt,
    string UpdatedAt,
    int Position,
    string? Description,
    bool Showcase,
    string? StartDate,
    string? GroupId,
    string PageId,
    bool Group,
    bool OnlyShowIfDegraded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Components);

internal sealed record V2AffectedComponent(string Code, string Name, string OldStatus, string NewStatus);

internal sealed record V2IncidentUpdate(
    string Id,
    string IncidentId,
    string Status,
    string Body,
    string CreatedAt,
    string UpdatedAt,
    string DisplayAt,
    IReadOnlyList<V2AffectedComponent>? AffectedComponents,
    bool DeliverNotifications,
    string? CustomTweet,
    string? TweetId);

// An incident, or (with impact "maintenance" and the scheduled_* fields) a scheduled maintenance.
internal sealed record V2Incident(
    string Id,
    string Name,
    string Status,
    string Impact,
    string CreatedAt,
    string UpdatedAt,
    string StartedAt,
    string? MonitoringAt,
    string? ResolvedAt,
    string Shortlink,
    string PageId,
    IReadOnlyList<V2IncidentUpdate> IncidentUpdates,
    IReadOnlyList<V2Component> Components,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScheduledFor = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScheduledUntil = null);

internal sealed record V2Summary(
    V2Page Page,
    V2Status Status,
    IReadOnlyList<V2Component> Components,
    IReadOnlyList<V2Incident> Incidents,
    IReadOnlyList<V2Incident> ScheduledMaintenances,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V2Integrity? Integrity = null);

internal sealed record V2StatusResponse(V2Page Page, V2Status Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V2Integrity? Integrity = null);

internal sealed record V2ComponentsResponse(V2Page Page, IReadOnlyList<V2Component> Components,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V2Integrity? Integrity = null);

internal sealed record V2IncidentsResponse(V2Page Page, IReadOnlyList<V2Incident> Incidents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V2Integrity? Integrity = null);

internal sealed record V2MaintenancesResponse(V2Page Page, IReadOnlyList<V2Incident> ScheduledMaintenances,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] V2Integrity? Integrity = null);

// Not in Statuspage's v2: added to every answer when the history failed verification (size and hash of the verified prefix).
internal sealed record V2Integrity(bool Verified, string Problem, long VerifiedSize, string VerifiedHead);
