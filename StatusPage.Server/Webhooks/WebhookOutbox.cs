using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Webhooks;

// The ledger is the outbox: each new entry that is a post (incident or maintenance update, postmortem, correction) and passes
// the subscriber's component filter becomes one delivery. Entries must already be in the snapshot.
internal static class WebhookOutbox
{
    public static IReadOnlyList<WebhookDelivery> DeliveriesFor(StatusSnapshot snapshot, SiteSettings site, WebhookSubscriber subscriber,
        IEnumerable<LedgerEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var filter = subscriber.ComponentFilter;
        return
        [
            .. entries
                .Where(e => WebhookPayload.For(snapshot, site, e.Id, WebhookDelivery.IdFor(subscriber.Id, e.Id), now, filter) is not null)
                .Select(e => WebhookDelivery.New(subscriber.Id, e.Seq, e.Id, e.Kind, e.Subject, now)),
        ];
    }
}
