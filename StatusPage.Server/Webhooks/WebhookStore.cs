using System.Collections.Immutable;
using LiteDB;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Webhooks;

// Webhook subscribers and delivery state: beside the ledger in the same data file, never in it (secrets and URLs are private).
// Every method reads or writes fully before returning (no LiteDB cursor outlives a call), and the writes are serialised (the
// ledger store's single writer, reached through SideCollections).
internal sealed class WebhookStore(LedgerStore store)
{
    private const string SubscribersCollection = "webhook_subscribers";
    private const string DeliveriesCollection = "webhook_deliveries";

    private readonly SideCollections _side = store.Beside([SubscribersCollection, DeliveriesCollection],
        [(DeliveriesCollection, "subscriber"), (DeliveriesCollection, "state")]);

    private ILiteCollection<BsonDocument> Subscribers => _side.Get(SubscribersCollection);

    private ILiteCollection<BsonDocument> Deliveries => _side.Get(DeliveriesCollection);

    public IReadOnlyList<WebhookSubscriber> ReadSubscribers() => [.. Subscribers.FindAll().Select(ToSubscriber)];

    // LiteDB's default collation ignores case and control characters ("id\a" finds "id"): the match must also be exact.
    public WebhookSubscriber? FindSubscriber(string id) =>
        Subscribers.FindById(id) is { } doc && doc["_id"].AsString == id ? ToSubscriber(doc) : null;

    public void AddSubscriber(WebhookSubscriber subscriber) => _side.Write(() => Subscribers.Insert(ToDocument(subscriber)));

    // Removes the subscriber and its delivery history in one transaction; false if it did not exist.
    public bool RemoveSubscriber(string id) => FindSubscriber(id) is not null && _side.InTransaction(() =>
    {
        Deliveries.DeleteMany(Query.EQ("subscriber", id));
        return Subscribers.Delete(id);
    });

    // New deliveries and the advanced cursor commit together, so an entry is handed out exactly once, also across a crash.
    public bool HandOut(string subscriberId, long cursor, IReadOnlyList<WebhookDelivery> deliveries) => _side.InTransaction(() =>
    {
        if (Subscribers.FindById(subscriberId) is not { } subscriber)
        {
            return false;
        }
        foreach (var delivery in deliveries.Where(d => Deliveries.FindById(d.Id) is null))
        {
            Deliveries.Insert(ToDocument(delivery));
        }
        subscriber["cursor"] = cursor;
        return Subscribers.Update(subscriber);
    });

    // False when the delivery is gone (its subscriber was removed meanwhile).
    public bool SaveDelivery(WebhookDelivery delivery) => _side.Write(() => Deliveries.Update(ToDocument(delivery)));

    public IReadOnlyList<WebhookDelivery> PendingDeliveries() =>
        [.. Deliveries.Find(Query.EQ("state", DeliveryState.Pending)).Select(ToDelivery)];

    // Pending and given-up deliveries: what the admin list summarises (delivered ones are the bulk and are not needed there).
    public IReadOnlyList<WebhookDelivery> UndeliveredDeliveries() =>
        [.. Deliveries.Find(Query.Not("state", DeliveryState.Delivered)).Select(ToDelivery)];

    public IReadOnlyList<WebhookDelivery> RecentDeliveries(string subscriberId, int limit) =>
        [.. Deliveries.Find(Query.EQ("subscriber", subscriberId)).Select(ToDelivery)
            .OrderByDescending(d => d.EntrySeq).Take(limit)];

    // Times as Unix milliseconds: no driver conversion between UTC and local time can alter them.
    private static BsonValue UnixMilliseconds(DateTimeOffset? time) =>
        time is { } t ? new BsonValue(t.ToUnixTimeMilliseconds()) : BsonValue.Null;

    private static DateTimeOffset? FromUnixMilliseconds(BsonValue value) =>
        value.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(value.AsInt64);

    private static BsonDocument ToDocument(WebhookSubscriber s) => new()
    {
        ["_id"] = s.Id,
        ["url"] = s.Url,
        ["secret"] = s.Secret,
        ["components"] = s.Components is { } ids ? new BsonArray(ids.Select(id => new BsonValue(id))) : BsonValue.Null,
        ["created_at"] = UnixMilliseconds(s.CreatedAt),
        ["created_by"] = s.CreatedBy,
        ["cursor"] = s.Cursor,
    };

    private static WebhookSubscriber ToSubscriber(BsonDocument d) => new(d["_id"].AsString, d["url"].AsString, d["secret"].AsString,
        d["components"].IsArray ? [.. d["components"].AsArray.Select(v => v.AsString)] : (ImmutableArray<string>?)null,
        FromUnixMilliseconds(d["created_at"])!.Value, d["created_by"].AsString, d["cursor"].AsInt64);

    private static BsonDocument ToDocument(WebhookDelivery x) => new()
    {
        ["_id"] = x.Id,
        ["subscriber"] = x.SubscriberId,
        ["entry_seq"] = x.EntrySeq,
        ["entry_id"] = x.EntryId,
        ["entry_kind"] = x.EntryKind,
        ["subject"] = x.Subject,
        ["state"] = x.State,
        ["attempts"] = x.Attempts,
        ["last_status"] = x.LastStatus is { } status ? new BsonValue(status) : BsonValue.Null,
        ["last_error"] = x.LastError is { } error ? new BsonValue(error) : BsonValue.Null,
        ["first_attempt_at"] = UnixMilliseconds(x.FirstAttemptAt),
        ["last_attempt_at"] = UnixMilliseconds(x.LastAttemptAt),
        ["next_attempt_at"] = UnixMilliseconds(x.NextAttemptAt),
        ["delivered_at"] = UnixMilliseconds(x.DeliveredAt),
        ["created_at"] = UnixMilliseconds(x.CreatedAt),
    };

    private static WebhookDelivery ToDelivery(BsonDocument d) => new(d["_id"].AsString, d["subscriber"].AsString, d["entry_seq"].AsInt64,
        d["entry_id"].AsString, d["entry_kind"].AsString, d["subject"].AsString, d["state"].AsString, d["attempts"].AsInt32,
        d["last_status"].IsNull ? null : d["last_status"].AsInt32, d["last_error"].IsNull ? null : d["last_error"].AsString,
        FromUnixMilliseconds(d["first_attempt_at"]), FromUnixMilliseconds(d["last_attempt_at"]),
        FromUnixMilliseconds(d["next_attempt_at"]), FromUnixMilliseconds(d["delivered_at"]), FromUnixMilliseconds(d["created_at"])!.Value);
}
