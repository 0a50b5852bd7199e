namespace StatusPage.Client.Contracts;

// What the operator API's list endpoints return (/api/v1/incidents, /maintenance, /components, /providers, /templates).
public sealed record IncidentSummary(
    string Id,
    string Title,
    Impact Impact,
    IncidentStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset LastUpdatedAt,
    DateTimeOffset? NextUpdateBy,
    IReadOnlyList<string> Components);

public sealed record MaintenanceSummary(
    string Id,
    string Title,
    MaintenanceStatus Status,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil,
    DateTimeOffset LastUpdatedAt,
    IReadOnlyList<string> Components);

public sealed record ComponentView(
    string Id,
    string Name,
    string? Description,
    string? Group,
    string? GroupName,
    decimal? SlaTarget,
    int Position,
    ComponentStatus Status);

public sealed record ProviderView(string Id, string Name, string? Url);

// A starting text from content/templates/NAME.md; the title is the name in words.
public sealed record TemplateView(string Name, string Title, string Body);

// GET /api/v1/incidents/{id} and /maintenance/{id}: the whole timeline, oldest first, as the ledger recorded it.
// Kind is the post's kind word: update, reopen, correction or postmortem.
public sealed record RedactionView(string Id, string Reason, DateTimeOffset RecordedAt, string Author);

public sealed record PostView(
    string Id,
    long Seq,
    string Kind,
    string? Status,
    string? Body,
    DateTimeOffset StatedAt,
    DateTimeOffset RecordedAt,
    string Author,
    IReadOnlyDictionary<string, ComponentStatus> Components,
    DateTimeOffset? NextUpdateBy,
    string? Corrects,
    string? Reason,
    IReadOnlyList<string> CorrectedBy,
    RedactionView? Redaction)
{
    // Stated more than Limits.BackfillTolerance before it was recorded.
    public bool Backfilled => Limits.IsBackfilled(StatedAt, RecordedAt);
}

public sealed record CauseView(CauseKind Kind, string? Provider, string? Ticket);

// One attribution in the incident's cause history (oldest first; the last is Cause): what it said, when and by whom.
public sealed record CauseAttributionView(CauseKind Kind, string? Provider, string? Ticket, DateTimeOffset RecordedAt, string RecordedBy, long Seq);

public sealed record IncidentView(
    string Id,
    string Title,
    Impact Impact,
    IncidentStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? NextUpdateBy,
    CauseView Cause,
    IReadOnlyList<string> Components,
    IReadOnlyList<PostView> Updates,
    IReadOnlyList<CauseAttributionView>? Causes = null);

public sealed record MaintenanceView(
    string Id,
    string Title,
    MaintenanceStatus Status,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil,
    IReadOnlyList<string> Components,
    IReadOnlyList<PostView> Updates);

public enum RecurrencePattern { MinuteOfHour, HourOfDay, HourOfDayUtc, DayOfWeek, Period }

// GET /api/v1/recurrence (every finding) and /api/v1/incidents/{id}/recurrence (the findings that incident's start falls on, with
// Occurrence: its place among the matching starts). Scope: "component" or "provider"; Name: its current name. Bin: the minute, the
// hour, the weekday (0 = Sunday) or, for a period, the window's centre in minutes into the cycle. Odds: less than 1 in 10^OddsExponent
// after correction (README "Recurrence"); Incidents: the matching incidents' ids.
public sealed record RecurrenceView(
    string Scope,
    string ScopeId,
    string Name,
    RecurrencePattern Pattern,
    int Bin,
    int PeriodHours,
    int ToleranceMinutes,
    DateTimeOffset? Anchor,
    string TimeZone,
    int Hits,
    int Counted,
    int OddsExponent,
    IReadOnlyList<string> Incidents,
    int? Occurrence = null);
