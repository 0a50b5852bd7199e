using System.Collections.Immutable;
using LiteDB;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Subscriptions;

// Email subscribers, their deliveries and the operator log: beside the ledger in the same data file, never in it. Every method
// reads or writes fully before returning, and writes go through the ledger store's single writer (SideCollections).
internal sealed class SubscriptionStore(LedgerStore store)
{
    private const string SubscribersCollection = "email_subscribers";
    private const string DeliveriesCollection = "email_deliveries";
    private const string LogCollection = "email_subscription_log";

    private readonly SideCollections _side = store.Beside([SubscribersCollection, DeliveriesCollection, LogCollection],
        [(SubscribersCollection, "key"), (SubscribersCollection, "token"), (DeliveriesCollection, "subscriber"), (DeliveriesCollection, "state")],
        unique: [(SubscribersCollection, "key")]);

    private ILiteCollection<BsonDocument> Subscribers => _side.Get(SubscribersCollection);

    private ILiteCollection<BsonDocument> Deliveries => _side.Get(DeliveriesCollection);

    private ILiteCollection<BsonDocument> Log => _side.Get(LogCollection);

    public IReadOnlyList<Subscriber> ReadSubscribers() => [.. Subscribers.FindAll().Select(ToSubscriber)];

    public Subscriber? Find(string id) => Subscribers.FindById(id) is { } doc && doc["_id"].AsString == id ? ToSubscriber(doc) : null;

    // LiteDB's default collation ignores case: the token must also match exactly.
    public Subscriber? FindByToken(string token) =>
        Subscribers.FindOne(Query.EQ("token", token)) is { } doc && doc["token"].AsString == token ? ToSubscriber(doc) : null;

    public Subscriber? FindByKey(string key) =>
        Subscribers.FindOne(Query.EQ("key", key)) is { } doc && doc["key"].AsString == key ? ToSubscriber(doc) : null;

    // Saves the subscriber and, when given, queues an email to it, in one transaction.
    public bool Save(Subscriber subscriber, EmailDelivery? email = null, SubscriptionEvent? logged = null) => _side.InTransaction(() =>
    {
        Subscribers.Upsert(ToDocument(subscriber));
        if (email is not null)
        {
            Deliveries.Upsert(ToDocument(email));
        }
        if (logged is not null)
        {
            Log.Insert(ToDocument(logged));
        }
        return true;
    });

    // A new subscriber and its confirmation email, unless its address and scope (Key) are already taken: checked inside the one
    // writer, so two concurrent submits make one row (the unique index on "key" backs this up). False: the caller treats it as known.
    public bool TryAdd(Subscriber subscriber, EmailDelivery confirmation) => _side.InTransaction(() =>
    {
        if (Subscribers.FindOne(Query.EQ("key", subscriber.Key)) is not null)
        {
            return false;
        }
        Subscribers.Insert(ToDocument(subscriber));
        Deliveries.Insert(ToDocument(confirmation));
        return true;
    });

    // A submit for a known address and scope: the change and its email, unless the daily limit is reached. Read and written
    // inside the one writer, so concurrent submits cannot pass the limit together.
    public bool RequestAgain(string key, DateTimeOffset now, int perDay, Func<Subscriber, (Subscriber Updated, EmailDelivery? Email)> change) =>
        _side.InTransaction(() =>
        {
            if (FindByKey(key) is not { } existing || existing.ConfirmationsSince(now - TimeSpan.FromDays(1)) >= perDay)
            {
                return false;
            }
            var (updated, email) = change(existing);
            Subscribers.Update(ToDocument(updated));
            if (email is not null)
            {
                Deliveries.Upsert(ToDocument(email));
            }
            return true;
        });

    public void LogEvent(SubscriptionEvent logged) => _side.Write(() => Log.Insert(ToDocument(logged)));

    // Removes the subscriber and every delivery to it in one transaction; false if it did not exist.
    public bool Remove(string id, SubscriptionEvent logged) => Find(id) is not null && _side.InTransaction(() =>
    {
        Deliveries.DeleteMany(Query.EQ("subscriber", id));
        Log.Insert(ToDocument(logged));
        return Subscribers.Delete(id);
    });

    // New deliveries and the advanced cursor commit together: an entry is handed out exactly once, also across a crash.
    public bool HandOut(string subscriberId, long cursor, IReadOnlyList<EmailDelivery> deliveries) => _side.InTransaction(() =>
    {
        if (Subscribers.FindById(subscriberId) is not { } subscriber || subscriber["state"].AsString != SubscriberState.Confirmed)
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

    // False when the delivery is gone (its subscriber unsubscribed or was removed meanwhile).
    public bool SaveDelivery(EmailDelivery delivery) => _side.Write(() => Deliveries.Update(ToDocument(delivery)));

    // The delivery's outcome and the subscriber's bounce count together, counted on the stored subscriber (not a copy read before
    // the send, which would undo a change made meanwhile, such as a confirmation request). Returns the subscriber when this
    // bounce made it bouncing.
    public Subscriber? SaveOutcome(EmailDelivery delivery, SmtpOutcome outcome, int bouncesBeforeStop, DateTimeOffset now)
    {
        Subscriber? stopped = null;
        _side.InTransaction(() =>
        {
            if (!Deliveries.Update(ToDocument(delivery)) || Subscribers.FindById(delivery.SubscriberId) is not { } doc)
            {
                return false;
            }
            var bounces = outcome switch
            {
                SmtpOutcome.Bounced => doc["bounces"].AsInt32 + 1,
                SmtpOutcome.Sent => 0,
                _ => doc["bounces"].AsInt32,
            };
            doc["bounces"] = bounces;
            if (outcome == SmtpOutcome.Bounced && bounces >= bouncesBeforeStop && doc["state"].AsString == SubscriberState.Confirmed)
            {
                doc["state"] = SubscriberState.Bouncing;
                stopped = ToSubscriber(doc);
                Log.Insert(ToDocument(new SubscriptionEvent(now, "bouncing", stopped.Id, ScopeOf(stopped))));
            }
            return Subscribers.Update(doc);
        });
        return stopped;
    }

    public IReadOnlyList<EmailDelivery> PendingDeliveries() =>
        [.. Deliveries.Find(Query.EQ("state", EmailState.Pending)).Select(ToDelivery)];

    public IReadOnlyList<EmailDelivery> DeliveriesTo(string subscriberId) =>
        [.. Deliveries.Find(Query.EQ("subscriber", subscriberId)).Select(ToDelivery)];

    // Deletes unconfirmed subscriptions created before the cutoff (and their confirmation emails); returns their ids.
    public IReadOnlyList<string> ExpireUnconfirmed(DateTimeOffset createdBefore, DateTimeOffset now)
    {
        var expired = ReadSubscribers().Where(s => s.State == SubscriberState.Pending && s.CreatedAt < createdBefore).ToList();
        foreach (var subscriber in expired)
        {
            Remove(subscriber.Id, new SubscriptionEvent(now, "expired", subscriber.Id, ScopeOf(subscriber)));
        }
        return [.. expired.Select(s => s.Id)];
    }

    public IReadOnlyList<SubscriptionEvent> RecentEvents(int limit) =>
        [.. Log.Find(Query.All(Query.Descending), limit: limit).Select(ToEvent)];

    public static string ScopeOf(Subscriber s) =>
        s.IncidentId is { } incident ? "incident:" + incident : s.Components is { IsDefaultOrEmpty: false } c ? $"components:{c.Length}" : "all";

    private static BsonValue Ms(DateTimeOffset? time) => time is { } t ? new BsonValue(t.ToUnixTimeMilliseconds()) : BsonValue.Null;

    private static DateTimeOffset? FromMs(BsonValue value) => value.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(value.AsInt64);

    private static BsonValue Text(string? text) => text is null ? BsonValue.Null : new BsonValue(text);

    private static BsonDocument ToDocument(Subscriber s) => new()
    {
        ["_id"] = s.Id,
        ["key"] = s.Key,
        ["email"] = s.Email,
        ["token"] = s.Token,
        ["components"] = s.Components is { } ids ? new BsonArray(ids.Select(id => new BsonValue(id))) : BsonValue.Null,
        ["incident"] = Text(s.IncidentId),
        ["language"] = s.Language,
        ["state"] = s.State,
        ["created_at"] = Ms(s.CreatedAt),
        ["confirmed_at"] = Ms(s.ConfirmedAt),
        ["cursor"] = s.Cursor,
        ["bounces"] = s.Bounces,
        ["confirmations_sent"] = new BsonArray((s.ConfirmationsSent.IsDefault ? [] : s.ConfirmationsSent).Select(t => Ms(t))),
    };

    private static Subscriber ToSubscriber(BsonDocument d) => new(d["_id"].AsString, d["email"].AsString, d["token"].AsString,
        d["components"].IsArray ? [.. d["components"].AsArray.Select(v => v.AsString)] : (ImmutableArray<string>?)null,
        d["incident"].IsNull ? null : d["incident"].AsString, d["language"].AsString, d["state"].AsString, FromMs(d["created_at"])!.Value,
        FromMs(d["confirmed_at"]), d["cursor"].AsInt64, d["bounces"].AsInt32, [.. d["confirmations_sent"].AsArray.Select(v => FromMs(v)!.Value)]);

    private static BsonDocument ToDocument(EmailDelivery x) => new()
    {
        ["_id"] = x.Id,
        ["subscriber"] = x.SubscriberId,
        ["kind"] = x.Kind,
        ["entry_seq"] = x.EntrySeq,
        ["entry_id"] = Text(x.EntryId),
        ["state"] = x.State,
        ["attempts"] = x.Attempts,
        ["last_error"] = Text(x.LastError),
        ["first_attempt_at"] = Ms(x.FirstAttemptAt),
        ["next_attempt_at"] = Ms(x.NextAttemptAt),
        ["sent_at"] = Ms(x.SentAt),
        ["created_at"] = Ms(x.CreatedAt),
    };

    private static EmailDelivery ToDelivery(BsonDocument d) => new(d["_id"].AsString, d["subscriber"].AsString, d["kind"].AsString,
        d["entry_seq"].AsInt64, d["entry_id"].IsNull ? null : d["entry_id"].AsString, d["state"].AsString, d["attempts"].AsInt32,
        d["last_error"].IsNull ? null : d["last_error"].AsString, FromMs(d["first_attempt_at"]), FromMs(d["next_attempt_at"]),
        FromMs(d["sent_at"]), FromMs(d["created_at"])!.Value);

    private static BsonDocument ToDocument(SubscriptionEvent e) => new()
    {
        ["at"] = Ms(e.At),
        ["event"] = e.Event,
        ["subscriber"] = e.SubscriberId,
        ["scope"] = e.Scope,
    };

    private static SubscriptionEvent ToEvent(BsonDocument d) =>
        new(FromMs(d["at"])!.Value, d["event"].AsString, d["subscriber"].AsString, d["scope"].AsString);
}
