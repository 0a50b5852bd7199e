using LiteDB;

namespace StatusPage.Server.Ledger;

// The only code that touches LiteDB. One instance per process, holding an exclusive lock on the data file.
public sealed partial class LedgerStore : IDisposable
{
    private const string EntriesCollection = "ledger";
    private const string CredentialsCollection = "credentials";
    private readonly FileStream _lock;
    // Opened on first use, so a start-up replay can read through connections of its own first (see ReplayAll).
    private readonly Lazy<LiteDatabase> _db;
    private volatile bool _replaying;

    public LedgerStore(string dataPath)
    {
        DataPath = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(Path.GetDirectoryName(DataPath)!);
        _lock = AcquireLock(DataPath);
        _db = new Lazy<LiteDatabase>(Open, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private LiteDatabase Db => _db.Value;

    private ILiteCollection<StoredEntry> Entries => Db.GetCollection<StoredEntry>(EntriesCollection);

    // LiteDB in direct mode allows one connection per file: two at once can lose what is in the write-ahead log.
    private LiteDatabase Open()
    {
        if (_replaying)
        {
            throw new InvalidOperationException("The ledger is being replayed; the store opens for other use once the replay ends.");
        }
        var db = new LiteDatabase(new ConnectionString { Filename = DataPath, Connection = ConnectionType.Direct }, CreateMapper());
        db.GetCollection<StoredEntry>(EntriesCollection).EnsureIndex(e => e.EntryId, unique: true);
        // proof.json gathers one incident's entries without scanning the whole ledger.
        db.GetCollection<StoredEntry>(EntriesCollection).EnsureIndex(e => e.Subject);
        EnsureWebhookIndexes(db);
        return db;
    }

    public string DataPath { get; }

    public static BsonMapper CreateMapper()
    {
        // LiteDB's defaults would trim whitespace and turn "" into null, altering Markdown bodies and hashed payloads.
        var mapper = new BsonMapper { TrimWhitespace = false, EmptyStringToNull = false, SerializeNullValues = true };
        mapper.Entity<StoredEntry>().Id(e => e.Seq, autoId: false);
        return mapper;
    }

    private static FileStream AcquireLock(string dataPath)
    {
        var lockPath = dataPath + ".lock";
        try
        {
            // FileShare.None maps to an exclusive advisory lock on Linux: a second process fails here, before LiteDB opens the file.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DataFileInUseException(
                $"The data file {dataPath} is already in use by another StatusPage process (lock {lockPath} is held). " +
                "Stop that process, or point StatusPage:DataPath at another file.", e);
        }
    }

    public long Count() => Entries.LongCount();

    // For the start-up replay, before anything else opens the store: short-lived connections, one per slice of the ledger,
    // because LiteDB keeps every page it reads cached until its connection closes, and a replay reads them all (about the
    // size of the file). Enumerate it on one thread. Once the store is open, this is ReadAll.
    public IEnumerable<LedgerEntry> ReplayAll(int sliceSize = 20_000)
    {
        if (_db.IsValueCreated)
        {
            foreach (var entry in ReadAll())
            {
                yield return entry;
            }
            yield break;
        }
        _replaying = true;
        try
        {
            var afterSeq = 0L;
            var read = sliceSize;
            while (read == sliceSize)
            {
                read = 0;
                using var slice = new LiteDatabase(new ConnectionString { Filename = DataPath, Connection = ConnectionType.Direct });
                foreach (var document in slice.GetCollection(EntriesCollection).Find(Query.GT("_id", afterSeq), limit: sliceSize))
                {
                    var entry = ToEntry(document);
                    afterSeq = entry.Seq;
                    read++;
                    yield return entry;
                }
            }
        }
        finally
        {
            _replaying = false;
        }
    }

    // Reads documents and maps them by hand: a start-up replay reads every entry, and the generic mapper costs more than the read.
    public IEnumerable<LedgerEntry> ReadAll(long afterSeq = 0) =>
        Db.GetCollection(EntriesCollection).Find(Query.GT("_id", afterSeq)).Select(ToEntry);

    public IEnumerable<LedgerEntry> ReadBySubject(string subject, long upToSeq) =>
        [.. Db.GetCollection(EntriesCollection).Find(Query.And(Query.EQ(nameof(StoredEntry.Subject), subject), Query.LTE("_id", upToSeq)))
            .Select(ToEntry).OrderBy(e => e.Seq)];

    // One transaction per append: every entry (and the checkpoint that signs them) is committed before this returns, or none is.
    public void Append(IReadOnlyList<LedgerEntry> entries, IReadOnlyCollection<string>? bodiesToErase = null,
        (long Size, string Note)? checkpoint = null)
    {
        var db = Db;
        var collection = Entries;
        db.BeginTrans();
        try
        {
            collection.Insert(entries.Select(ToStored));
            foreach (var entryId in bodiesToErase ?? [])
            {
                var stored = collection.FindOne(e => e.EntryId == entryId);
                stored.Body = null;
                collection.Update(stored);
            }
            if (checkpoint is { } signed)
            {
                InsertCheckpoint(db, signed.Size, signed.Note);
            }
            db.Commit();
        }
        catch
        {
            db.Rollback();
            throw;
        }
    }

    // Password hashes live beside the ledger, never in it (the ledger is published); ledger entries commit to each by SHA-256.
    public void SaveCredential(string sha256, string value) =>
        Db.GetCollection(CredentialsCollection).Upsert(new BsonDocument { ["_id"] = sha256, ["value"] = value });

    public IReadOnlyDictionary<string, string> ReadCredentials() =>
        Db.GetCollection(CredentialsCollection).FindAll().ToDictionary(d => d["_id"].AsString, d => d["value"].AsString);

    public void Dispose()
    {
        try
        {
            if (_db.IsValueCreated)
            {
                _db.Value.Dispose();
            }
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static StoredEntry ToStored(LedgerEntry e) => new()
    {
        Seq = e.Seq, EntryId = e.Id, RecordedAt = e.RecordedAtText, Kind = e.Kind, Subject = e.Subject,
        Author = e.Author, Payload = e.Payload, Body = e.Body, PrevHash = e.PrevHash, Hash = e.Hash,
    };

    // A recorded-at that is not in canonical form reads as MinValue, so the entry's hash no longer matches and verify names it.
    // Likewise a field whose stored type was changed reads as its text, and the hash names the entry.
    private static LedgerEntry ToEntry(BsonDocument d) => new(d["_id"].IsNumber ? d["_id"].AsInt64 : -1, Text(d, nameof(StoredEntry.EntryId)),
        LedgerEntry.TryParseTime(Text(d, nameof(StoredEntry.RecordedAt)), out var recordedAt) ? recordedAt : DateTimeOffset.MinValue,
        Text(d, nameof(StoredEntry.Kind)), Text(d, nameof(StoredEntry.Subject)), Text(d, nameof(StoredEntry.Author)),
        Text(d, nameof(StoredEntry.Payload)), d[nameof(StoredEntry.Body)] is { IsString: true } body ? body.AsString : null,
        Text(d, nameof(StoredEntry.PrevHash)), Text(d, nameof(StoredEntry.Hash)));

    private static string Text(BsonDocument d, string field) => d[field] switch
    {
        { IsString: true } value => value.AsString,
        { IsNull: true } => "",
        var value => value.ToString(),
    };

    // Times are stored as the exact UTC text that was hashed, so no driver conversion can alter them.
    internal sealed class StoredEntry
    {
        public long Seq { get; set; }
        public string EntryId { get; set; } = "";
        public string RecordedAt { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Author { get; set; } = "";
        public string Payload { get; set; } = "";
        public string? Body { get; set; }
        public string PrevHash { get; set; } = "";
        public string Hash { get; set; } = "";
    }
}

public sealed class DataFileInUseException(string message, Exception inner) : Exception(message, inner);
