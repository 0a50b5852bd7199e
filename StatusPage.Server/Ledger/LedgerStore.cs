using LiteDB;

namespace StatusPage.Server.Ledger;

// The only code that touches LiteDB. One instance per process, holding an exclusive lock on the data file.
public sealed partial class LedgerStore : IDisposable
{
    private const string EntriesCollection = "ledger";
    private const string CredentialsCollection = "credentials";
    private readonly FileStream _lock;
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<StoredEntry> _entries;

    public LedgerStore(string dataPath)
    {
        DataPath = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(Path.GetDirectoryName(DataPath)!);
        _lock = AcquireLock(DataPath);
        try
        {
            _db = new LiteDatabase(new ConnectionString { Filename = DataPath, Connection = ConnectionType.Direct }, CreateMapper());
            _entries = _db.GetCollection<StoredEntry>(EntriesCollection);
            _entries.EnsureIndex(e => e.EntryId, unique: true);
            EnsureWebhookIndexes();
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
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

    public long Count() => _entries.LongCount();

    public IEnumerable<LedgerEntry> ReadAll(long afterSeq = 0) =>
        _entries.Find(Query.GT("_id", afterSeq)).Select(ToEntry);

    // One transaction per append: every entry is committed before this returns, or none is.
    public void Append(IReadOnlyList<LedgerEntry> entries, IReadOnlyCollection<string>? bodiesToErase = null)
    {
        _db.BeginTrans();
        try
        {
            _entries.Insert(entries.Select(ToStored));
            foreach (var entryId in bodiesToErase ?? [])
            {
                var stored = _entries.FindOne(e => e.EntryId == entryId);
                stored.Body = null;
                _entries.Update(stored);
            }
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    // Password hashes live beside the ledger, never in it (the ledger is published); ledger entries commit to each by SHA-256.
    public void SaveCredential(string sha256, string value) =>
        _db.GetCollection(CredentialsCollection).Upsert(new BsonDocument { ["_id"] = sha256, ["value"] = value });

    public IReadOnlyDictionary<string, string> ReadCredentials() =>
        _db.GetCollection(CredentialsCollection).FindAll().ToDictionary(d => d["_id"].AsString, d => d["value"].AsString);

    public void Dispose()
    {
        try
        {
            _db.Dispose();
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
    private static LedgerEntry ToEntry(StoredEntry s) => new(s.Seq, s.EntryId,
        LedgerEntry.TryParseTime(s.RecordedAt, out var recordedAt) ? recordedAt : DateTimeOffset.MinValue,
        s.Kind, s.Subject, s.Author, s.Payload, s.Body, s.PrevHash, s.Hash);

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
