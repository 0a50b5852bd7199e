using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.WriteApi;

// The read model as the operator API returns it; the shapes are the shared contracts the console reads (Contracts/ReadViews.cs).
internal static class ApiViews
{
    public static PostView Of(Post p) => new(p.Id, p.Seq, p.Kind.ToString().ToLowerInvariant(), p.Status?.Word, p.Body, p.StatedAt,
        p.RecordedAt, p.Author, p.ComponentChanges.ToDictionary(c => c.ComponentId, c => c.NewStatus), p.NextUpdateBy, p.Corrects,
        p.Reason, [.. p.CorrectedBy], p.Redaction is { } r ? new RedactionView(r.Id, r.Reason, r.RecordedAt, r.Author) : null);

    public static IncidentView Of(Incident i) => new(i.Id, i.Title, i.Impact, i.Status, i.StartedAt, i.ResolvedAt, i.NextUpdateBy,
        new CauseView(i.Cause.Kind, i.Cause.ProviderId, i.Cause.Ticket), [.. i.ComponentIds], [.. i.AllPosts.Select(Of)],
        [.. i.Causes.Select(a => new CauseAttributionView(a.Cause.Kind, a.Cause.ProviderId, a.Cause.Ticket, a.RecordedAt, a.Author, a.Seq))]);

    public static MaintenanceView Of(Maintenance m) => new(m.Id, m.Title, m.Status, m.ScheduledFor, m.ScheduledUntil, [.. m.ComponentIds],
        [.. m.Posts.Select(Of)]);
}
