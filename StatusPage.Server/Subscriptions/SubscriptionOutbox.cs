using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Subscriptions;

// The ledger is the outbox: each new post (update, reopen, correction, postmortem) and each redaction of an incident or
// maintenance the subscriber cares about becomes one email. Entries must already be in the snapshot.
internal static class SubscriptionOutbox
{
    public static IReadOnlyList<EmailDelivery> DeliveriesFor(StatusSnapshot snapshot, Subscriber subscriber, IEnumerable<LedgerEntry> entries,
        DateTimeOffset now) =>
        [.. entries.Where(e => Announced(snapshot, e) is { } post && Wants(snapshot, subscriber, post.Owner, post.Post))
            .Select(e => EmailDelivery.ForEntry(subscriber.Id, e.Seq, e.Id, now))];

    // The post an entry announces (a redaction announces the post it redacts), with its incident or maintenance id.
    public static (string Owner, Post Post)? Announced(StatusSnapshot snapshot, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(entry);
        if (snapshot.PostOwners.TryGetValue(entry.Id, out var owner) && snapshot.FindPost(entry.Id) is { } post)
        {
            return (owner, post);
        }
        if (entry.Kind == EntryKinds.Redacted && snapshot.FindTimeline(entry.Subject)?.FirstOrDefault(p => p.Redaction?.Id == entry.Id) is { } redacted)
        {
            return (entry.Subject, redacted);
        }
        return null;
    }

    public static bool Wants(StatusSnapshot snapshot, Subscriber subscriber, string owner, Post post)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(post);
        if (subscriber.IncidentId is { } followed)
        {
            return followed == owner;
        }
        if (subscriber.ComponentFilter is not { } filter)
        {
            return true;
        }
        var components = snapshot.Incidents.TryGetValue(owner, out var incident) ? incident.ComponentIds
            : snapshot.Maintenances.TryGetValue(owner, out var maintenance) ? maintenance.ComponentIds
            : [];
        return components.Concat(post.ComponentChanges.Select(c => c.ComponentId)).Any(filter.Contains);
    }
}
