using System.Collections.Immutable;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// Incidents and the upstream providers their causes name: kinds, payloads and commands (decided and projected by
// IncidentFamily; payload types listed in PayloadJsonContext).
internal static partial class EntryKinds
{
    public const string ProviderDeclared = "provider.declared";
    public const string IncidentOpened = "incident.opened";
    public const string IncidentUpdatePosted = "incident.update_posted";
    public const string IncidentReopened = "incident.reopened";
    public const string PostmortemPublished = "incident.postmortem_published";
    public const string CauseAttributed = "incident.cause_attributed";
}

internal sealed record ProviderDeclared(string Name, string? Url) : IEntryPayload;

internal sealed record IncidentOpened(string Title, Impact Impact, ImmutableArray<string> Components, DateTimeOffset StartedAt)
    : IEntryPayload;

internal sealed record IncidentUpdatePosted(
    IncidentStatus Status,
    DateTimeOffset StatedAt,
    string BodySha256,
    ImmutableSortedDictionary<string, ComponentStatus> Components,
    DateTimeOffset? NextUpdateBy) : IBodyPayload;

internal sealed record PostmortemPublished(DateTimeOffset StatedAt, string BodySha256) : IBodyPayload;

internal sealed record CauseAttributed(CauseKind Cause, string? Provider, string? Ticket) : IEntryPayload;

internal sealed record DeclareProvider(string Id, string Name, string? Url) : HistoryCommand;

internal sealed record OpenIncident(
    string Id,
    string Title,
    Impact Impact,
    IncidentStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus> Components,
    CauseInput? Cause = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? StatedAt = null,
    DateTimeOffset? NextUpdateBy = null,
    ImmutableArray<string> AffectedComponents = default) : HistoryCommand;

internal sealed record PostUpdate(
    string IncidentId,
    IncidentStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus>? Components = null,
    DateTimeOffset? StatedAt = null,
    DateTimeOffset? NextUpdateBy = null) : HistoryCommand;

internal sealed record ReopenIncident(
    string IncidentId,
    IncidentStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus>? Components = null,
    DateTimeOffset? StatedAt = null) : HistoryCommand;

internal sealed record PublishPostmortem(string IncidentId, string Body, DateTimeOffset? StatedAt = null) : HistoryCommand;

internal sealed record CauseInput(CauseKind Kind, string? Provider = null, string? Ticket = null);

internal sealed record AttributeCause(string IncidentId, CauseInput Cause) : HistoryCommand;
