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
