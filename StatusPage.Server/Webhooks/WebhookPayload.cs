using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.StatusApi;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Webhooks;

// The body of one delivery: which post it announces, in the Statuspage v2 shapes subscribers already parse.
internal sealed record WebhookPayload(
    string Id,
    string Event,
    string CreatedAt,
    V2Page Page,
    V2Incident? Incident,
    V2Incident? ScheduledMaintenance,
    V2IncidentUpdate Update,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WebhookCheckpoint? Checkpoint = null)
{
    // null when the post is unknown or the subscriber's component filter leaves it out.
    public static WebhookPayload? For(StatusSnapshot snapshot, SiteSettings site, string postId, string deliveryId,
        DateTimeOffset now, ImmutableHashSet<string>? componentFilter = null, SignedCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.PostOwners.TryGetValue(postId, out var owner) || !Wants(snapshot, owner, postId, componentFilter))
        {
            return null;
        }
        var view = new V2Projection(snapshot, site);
        var incident = view.Incident(owner);
        var maintenance = incident is null ? view.Maintenance(owner) : null;
        var subject = incident ?? maintenance!;
        var update = subject.IncidentUpdates.Single(u => u.Id == postId);
        var kind = incident is null ? "maintenance" : "incident";
        return new WebhookPayload(deliveryId, $"{kind}.updated", V2Projection.Time(now), view.Page(), incident, maintenance, update,
            WebhookCheckpoint.Of(checkpoint, site));
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, V2Json.Options);

    private static bool Wants(StatusSnapshot snapshot, string owner, string postId, ImmutableHashSet<string>? filter)
    {
        if (filter is null || filter.IsEmpty)
        {
            return true;
        }
        var components = snapshot.Incidents.TryGetValue(owner, out var incident) ? incident.ComponentIds
            : snapshot.Maintenances.TryGetValue(owner, out var maintenance) ? maintenance.ComponentIds
            : [];
        var changed = snapshot.FindPost(postId)?.ComponentChanges.Select(c => c.ComponentId) ?? [];
        return components.Concat(changed).Any(filter.Contains);
    }
}

// The latest signed checkpoint when the delivery was sent: a receiver's log of deliveries is a witness of the history.
internal sealed record WebhookCheckpoint(long Size, string Root, string Note, string Url)
{
    public static WebhookCheckpoint? Of(SignedCheckpoint? checkpoint, SiteSettings site) => checkpoint is null
        ? null
        : new(checkpoint.Size, checkpoint.Checkpoint.RootBase64, checkpoint.Note, SiteLinks.Absolute(site, "api/v1/ledger/checkpoint").AbsoluteUri);
}
