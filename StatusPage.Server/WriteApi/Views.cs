using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.WriteApi;

// What the operator API returns for an incident or maintenance: the whole timeline, oldest first, as the ledger recorded it.
public sealed record RedactionView(string Id, string Reason, DateTimeOffset RecordedAt, string Author);

public sealed record PostView(
    string Id,
    long Seq,
    PostKind Kind,
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
    public static PostView From(Post p) => new(p.Id, p.Seq, p.Kind, p.Status, p.Body, p.StatedAt, p.RecordedAt, p.Author,
        p.ComponentChanges.ToDictionary(c => c.ComponentId, c => c.NewStatus), p.NextUpdateBy, p.Corrects, p.Reason, [.. p.CorrectedBy],
        p.Redaction is { } r ? new RedactionView(r.Id, r.Reason, r.RecordedAt, r.Author) : null);
}

public sealed record CauseView(CauseKind Kind, string? Provider, string? Ticket);

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
    IReadOnlyList<PostView> Updates)
{
    public static IncidentView From(Incident i) => new(i.Id, i.Title, i.Impact, i.Status, i.StartedAt, i.ResolvedAt, i.NextUpdateBy,
        new CauseView(i.Cause.Kind, i.Cause.ProviderId, i.Cause.Ticket), [.. i.ComponentIds], [.. i.AllPosts.Select(PostView.From)]);
}

public sealed record MaintenanceView(
    string Id,
    string Title,
    MaintenanceStatus Status,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil,
    IReadOnlyList<string> Components,
    IReadOnlyList<PostView> Updates)
{
    public static MaintenanceView From(Maintenance m) => new(m.Id, m.Title, m.Status, m.ScheduledFor, m.ScheduledUntil, [.. m.ComponentIds],
        [.. m.Posts.Select(PostView.From)]);
}
