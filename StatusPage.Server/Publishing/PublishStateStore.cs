using LiteDB;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Publishing;

// The last ledger head whose export reached the bucket completely (manifest written), beside the ledger in the data file: the
// automatic publisher's cursor, so a restart publishes any head appended since, and never skips one.
internal sealed class PublishStateStore(LedgerStore store)
{
    private const string Collection = "publish_state";
    private const string Id = "site";

    private readonly SideCollections _side = store.Beside([Collection], []);

    public LedgerHead? Published() => Last()?.Head;

    // The last complete publish: its head and when it ended (the automatic publisher's refresh counts from it, across restarts).
    public (LedgerHead Head, DateTimeOffset At)? Last() => _side.Get(Collection).FindById(Id) is { } doc
        ? (new LedgerHead(doc["seq"].AsInt64, doc["hash"].AsString), DateTimeOffset.FromUnixTimeMilliseconds(doc["published_at"].AsInt64))
        : null;

    public void Save(LedgerHead head, DateTimeOffset at) => _side.Write(() => _side.Get(Collection).Upsert(new BsonDocument
    {
        ["_id"] = Id,
        ["seq"] = head.Seq,
        ["hash"] = head.Hash,
        ["published_at"] = at.ToUnixTimeMilliseconds(),
    }));
}
