using System.Collections.Immutable;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// Planned maintenance: its kinds, payloads and commands (decided and projected by MaintenanceFamily; payload types listed in
// PayloadJsonContext).
internal static partial class EntryKinds
{
    public const string MaintenanceScheduled = "maintenance.scheduled";
    public const string MaintenanceUpdatePosted = "maintenance.update_posted";
}

internal sealed record MaintenanceScheduled(
    string Title,
    ImmutableArray<string> Components,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil) : IEntryPayload;

internal sealed record MaintenanceUpdatePosted(
    MaintenanceStatus Status,
    DateTimeOffset StatedAt,
    string BodySha256,
    ImmutableSortedDictionary<string, ComponentStatus> Components) : IBodyPayload;

internal sealed record ScheduleMaintenance(
    string Id,
    string Title,
    ImmutableArray<string> Components,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil,
    string Body,
    DateTimeOffset? StatedAt = null) : HistoryCommand;

internal sealed record PostMaintenanceUpdate(
    string MaintenanceId,
    MaintenanceStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus>? Components = null,
    DateTimeOffset? StatedAt = null) : HistoryCommand;
