using LiteDB;

namespace StatusPage.Server.Ledger;

// Signed checkpoints live beside the entries, one per tree size, written in the same transaction as the entries they sign.
public sealed partial class LedgerStore
{
    private const string CheckpointsCollection = "checkpoints";
    private const string VerifierKeysCollection = "verifier_keys";

    public (long Size, string Note)? LatestCheckpoint()
    {
        var document = Db.GetCollection(CheckpointsCollection).Query().OrderByDescending("_id").Limit(1).FirstOrDefault();
        return document is null ? null : (document["_id"].AsInt64, document["note"].AsString);
    }

    public IReadOnlyList<(long Size, string Note)> Checkpoints(long afterSize, int limit) =>
        [.. Db.GetCollection(CheckpointsCollection).Find(Query.GT("_id", afterSize), limit: limit)
            .Select(d => (d["_id"].AsInt64, d["note"].AsString))];

    public string? CheckpointAt(long size) =>
        Db.GetCollection(CheckpointsCollection).FindById(size) is { } document ? document["note"].AsString : null;

    public void SaveCheckpoint(long size, string note) => Write(db =>
    {
        InsertCheckpoint(db, size, note);
        return true;
    });

    // Every verifier key that signed here, kept with the data file: if a signing key file is lost, the ledger entry that
    // replaces it can still name the public key its old checkpoints verify with.
    public IReadOnlyList<string> RememberedVerifierKeys() =>
        [.. Db.GetCollection(VerifierKeysCollection).FindAll().Select(d => d["_id"].AsString)];

    public void RememberVerifierKey(string verifierKey) => Write(db =>
        db.GetCollection(VerifierKeysCollection).Upsert(new BsonDocument { ["_id"] = verifierKey }));

    // Insert, never upsert: a second, different checkpoint for a size already signed is a bug, and LiteDB refuses the key.
    private static void InsertCheckpoint(LiteDatabase db, long size, string note) =>
        db.GetCollection(CheckpointsCollection).Insert(new BsonDocument { ["_id"] = size, ["note"] = note });
}
