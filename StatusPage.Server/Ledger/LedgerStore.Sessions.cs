using LiteDB;

namespace StatusPage.Server.Ledger;

// Console sessions that were signed out: beside the ledger, never in it (a session id is a bearer secret's handle, and
// signing out is not history). Kept until every cookie of the session has expired.
public sealed partial class LedgerStore
{
    private const string RevokedSessionsCollection = "revoked_sessions";

    private ILiteCollection<BsonDocument> RevokedSessions => Db.GetCollection(RevokedSessionsCollection);

    // Through Write like every other write: durable before sign-out answers, StorageUnavailableException when the disk refuses.
    public void RevokeSession(string sessionId, DateTimeOffset at) =>
        Write(db => db.GetCollection(RevokedSessionsCollection).Upsert(new BsonDocument { ["_id"] = sessionId, ["at"] = at.UtcDateTime }));

    // The revocations younger than `keepSince` (older ones' cookies have expired). Only reads: it runs on a damaged, read-only
    // file too, and a read must never fail for want of disk space.
    public IReadOnlyCollection<string> ReadRevokedSessions(DateTimeOffset keepSince) =>
        [.. RevokedSessions.Find(Query.GTE("at", keepSince.UtcDateTime)).Select(d => d["_id"].AsString)];
}
