using System.Collections.Immutable;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// What operators, scripts and content ask for. Rules.Decide turns one into ledger entries or a RuleViolation.
public abstract record HistoryCommand;

public sealed record DeclareProvider(string Id, string Name, string? Url) : HistoryCommand;

public sealed record OpenIncident(
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

public sealed record PostUpdate(
    string IncidentId,
    IncidentStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus>? Components = null,
    DateTimeOffset? StatedAt = null,
    DateTimeOffset? NextUpdateBy = null) : HistoryCommand;

public sealed record ReopenIncident(
    string IncidentId,
    IncidentStatus Status,
    string Body,
    ImmutableSortedDictionary<string, ComponentStatus>? Components = null,
    DateTimeOffset? StatedAt = null) : HistoryCommand;

public sealed record CorrectPost(string PostId, string Body, string Reason, DateTimeOffset? StatedAt = null) : HistoryCommand;

public sealed record RedactPost(string PostId, string Reason) : HistoryCommand;

public sealed record PublishPostmortem(string IncidentId, string Body, DateTimeOffset? StatedAt = null) : HistoryCommand;

public sealed record CauseInput(CauseKind Kind, string? Provider = null, string? Ticket = null);

public sealed record AttributeCause(string IncidentId, CauseInput Cause) : HistoryCommand;

// A new entry as decided, before the writer gives it a sequence number, an id and its hashes.
public sealed record PendingEntry(string Kind, string Subject, IEntryPayload Payload, string? Body = null);

public enum ViolationKind { Invalid, NotFound, Conflict, ReadOnly, StorageUnavailable, Unprocessable }

// An expected refusal: which field, which rule, in words an operator understands.
public sealed record RuleViolation(ViolationKind Kind, string Field, string Rule, string Message);
