using LiteDB;

namespace StatusPage.Server.Ledger;

// The only code that touches LiteDB. One instance per process, holding an exclusive lock on the data file (DataFileLock).
public sealed partial class LedgerStore : IDisposable
{
    private const string EntriesCollection = "ledger";
    private const string CredentialsCollection = "credentials";
    private readonly FileStream _lock;
    private readonly Lock _opening = new();
    // Writes of every kind, one at a time: each waits for LiteDB's log writer before the next may enqueue pages (LogWriter).
    private readonly Lock _writes = new();
    // Opened on first use, so a start-up replay can read through connections of its own first (see ReplayAll); closed and
    // opened again after a failed write, so the next one starts from what is really on disk.
    private LiteDatabase? _db;
    private volatile bool _replaying;
    // Set when the replay could not read the file (a corrupt page): from then on it is only read, never written or indexed.
    private volatile bool _damaged;
    // Indexes feature stores asked for on their own collections (Beside), made whenever the file is opened for writing.
    private readonly List<(string Collection, string Field)> _sideIndexes = [];
    private readonly List<(string Collection, string Field)> _sideUniqueIndexes = [];

    public LedgerStore(string dataPath)
    {
        DataPath = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(Path.GetDirectoryName(DataPath)!);
        _lock = DataFileLock.Acquire(DataPath);
        LogWriter.Check();
    }

    private LiteDatabase Db
    {
        get
        {
            if (Volatile.Read(ref _db) is { } open)
            {
                return open;
            }
            lock (_opening)
            {
                return _db ??= Open();
            }
        }
    }

    private bool IsOpen => Volatile.Read(ref _db) is not null;

    private ILiteCollection<StoredEntry> Entries => Db.GetCollection<StoredEntry>(EntriesCollection);

    // LiteDB in direct mode allows one connection per file: two at once can lose what is in the write-ahead log.
    private LiteDatabase Open()
    {
        if (_replaying)
        {
            throw new InvalidOperationException("The ledger is being replayed; the store opens for other use once the replay ends.");
        }
        // One engine call at a time (OneCallAtATime: LiteDB's page cache is not safe for concurrent readers).
        var db = new LiteDatabase(new OneCallAtATime(new LiteDB.Engine.LiteEngine(new LiteDB.Engine.EngineSettings { Filename = DataPath, ReadOnly = _damaged })),
            CreateMapper(), disposeOnClose: true);
        if (!_damaged)
        {
            db.GetCollection<StoredEntry>(EntriesCollection).EnsureIndex(e => e.EntryId, unique: true);
            // proof.json gathers one incident's entries without scanning the whole ledger.
            db.GetCollection<StoredEntry>(EntriesCollection).EnsureIndex(e => e.Subject);
            foreach (var (collection, field) in _sideIndexes)
            {
                db.GetCollection(collection).EnsureIndex(field);
            }
            EnsureUnique(db, _sideUniqueIndexes);
        }
        return db;
    }

    public string DataPath { get; }

    // A feature store's collections beside the ledger in the same file; called once per store, before or after the file opens.
    // unique: fields no two documents may share (a second insert fails: check first, inside the same write).
    public SideCollections Beside(IReadOnlyCollection<string> collections, IReadOnlyList<(string Collection, string Field)> indexes,
        IReadOnlyList<(string Collection, string Field)>? unique = null)
    {
        if (collections.Any(c => c is EntriesCollection or CredentialsCollection or CheckpointsCollection))
        {
            throw new ArgumentException("A feature store cannot share the ledger's own collections.", nameof(collections));
        }
        lock (_opening)
        {
            _sideIndexes.AddRange(indexes);
            _sideUniqueIndexes.AddRange(unique ?? []);
        }
        if (IsOpen && !_damaged)
        {
            Write(db =>
            {
                foreach (var (collection, field) in indexes)
                {
                    db.GetCollection(collection).EnsureIndex(field);
                }
                EnsureUnique(db, unique ?? []);
                return true;
            });
        }
        return new SideCollections(this, collections);
    }

    // Named apart from the plain index on the same field, which files written before may already have. A file that already
    // holds duplicates keeps working without it (the feature store checks inside the writer anyway).
    private static void EnsureUnique(LiteDatabase db, IEnumerable<(string Collection, string Field)> unique)
    {
        foreach (var (collection, field) in unique)
        {
            try
            {
                db.GetCollection(collection).EnsureIndex(field + "_unique", "$." + field, unique: true);
            }
            catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
            {
            }
        }
    }

    internal ILiteCollection<BsonDocument> SideCollection(string name) => Db.GetCollection(name);

    internal T WriteBeside<T>(Func<T> work) => Write(_ => work());

    internal bool InTransaction(Func<bool> work) => Write(db =>
    {
        db.BeginTrans();
        try
        {
            var done = work();
            if (done)
            {
                db.Commit();
            }
            else
            {
                db.Rollback();
            }
            return done;
        }
        catch
        {
            TryRollback(db);
            throw;
        }
    });

    // After an unreadable entry: LiteDB must not write into a damaged file (no checkpoint, index or rebuild), so it is left as found.
    public void MarkDamaged() => _damaged = true;

    public static BsonMapper CreateMapper()
    {
        // LiteDB's defaults would trim whitespace and turn "" into null, altering Markdown bodies and hashed payloads.
        var mapper = new BsonMapper { TrimWhitespace = false, EmptyStringToNull = false, SerializeNullValues = true };
        mapper.Entity<StoredEntry>().Id(e => e.Seq, autoId: false);
        return mapper;
    }

    public long Count() => Entries.LongCount();

    // For the start-up replay, before anything else opens the store: short-lived connections, one per slice of the ledger,
    // because LiteDB keeps every page it reads cached until its connection closes, and a replay reads them all (about the
    // size of the file). Enumerate it on one thread. Once the store is open, this is ReadAll.
    public IEnumerable<LedgerEntry> ReplayAll(int sliceSize = 20_000)
    {
        if (IsOpen)
        {
            foreach (var entry in ReadAll())
            {
                yield return entry;
            }
            yield break;
        }
        if (new FileInfo(DataPath).Length == 0)
        {
            yield break; // a new data file (the lock created it empty); the slices below open read-only and cannot initialise it
        }
        _replaying = true;
        try
        {
            var afterSeq = 0L;
            var read = sliceSize;
            while (read == sliceSize)
            {
                read = 0;
                // A corrupt page (flipped bytes, a zeroed page, a truncated file) makes LiteDB throw anything from anywhere:
                // the entries read so far stand, and the failure names the first entry that could not be read.
                using var slice = Unreadable.Guard(afterSeq + 1,
                    () => new LiteDatabase(new ConnectionString { Filename = DataPath, Connection = ConnectionType.Direct, ReadOnly = true }));
                using var documents = Unreadable.Guard(afterSeq + 1,
                    () => slice.GetCollection(EntriesCollection).Find(Query.GT("_id", afterSeq), limit: sliceSize).GetEnumerator());
                while (Unreadable.Guard(afterSeq + 1, documents.MoveNext))
                {
                    var entry = Unreadable.Guard(afterSeq + 1, () => ToEntry(documents.Current));
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
    // In slices of a tile's width: a query's documents are read at once (OneCallAtATime), and most readers take a tile or a batch.
    public IEnumerable<LedgerEntry> ReadAll(long afterSeq = 0) => ReadInSlices(afterSeq, long.MaxValue, sliceSize: 256);

    // The entry at `seq`, if stored: one document (a page's covering checkpoint, a proof, the snapshot's check ask for one).
    public LedgerEntry? ReadEntry(long seq) =>
        Db.GetCollection(EntriesCollection).FindById(seq) is { } document ? ToEntry(document) : null;

    // The entries after afterSeq up to upToSeq through the open connection, one short query per slice: a query keeps every
    // page it read until it ends, so a background read of the whole ledger (the check after a snapshot start) would otherwise
    // hold about the file's size in memory while the server runs.
    public IEnumerable<LedgerEntry> ReadInSlices(long afterSeq, long upToSeq, int sliceSize = 2_000)
    {
        while (afterSeq < upToSeq)
        {
            List<LedgerEntry> slice = [.. Db.GetCollection(EntriesCollection)
                .Find(Query.And(Query.GT("_id", afterSeq), Query.LTE("_id", upToSeq)), limit: sliceSize).Select(ToEntry)];
            if (slice.Count == 0)
            {
                yield break;
            }
            foreach (var entry in slice)
            {
                yield return entry;
            }
            afterSeq = slice[^1].Seq;
        }
    }

    public IEnumerable<LedgerEntry> ReadBySubject(string subject, long upToSeq) =>
        [.. Db.GetCollection(EntriesCollection).Find(Query.And(Query.EQ(nameof(StoredEntry.Subject), subject), Query.LTE("_id", upToSeq)))
            .Select(ToEntry).OrderBy(e => e.Seq)];

    // The newest stored entry's sequence number and hash (Empty for an empty ledger): what a write after a failed one builds on.
    public LedgerHead ReadHead() =>
        Db.GetCollection(EntriesCollection).Find(Query.All("_id", Query.Descending), limit: 1).Select(ToEntry).FirstOrDefault() is { } last
            ? new LedgerHead(last.Seq, last.Hash)
            : LedgerHead.Empty;

    // One transaction per append: every entry (and the checkpoint that signs them) is committed and written before this
    // returns, or StorageUnavailableException.
    public void Append(IReadOnlyList<LedgerEntry> entries, IReadOnlyCollection<string>? bodiesToErase = null,
        (long Size, string Note)? checkpoint = null) => Write(db =>
    {
        var collection = db.GetCollection<StoredEntry>(EntriesCollection);
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
            TryRollback(db);
            throw;
        }
        return true;
    });

    // Password hashes live beside the ledger, never in it (the ledger is published); ledger entries commit to each by SHA-256.
    public void SaveCredential(string sha256, string value) =>
        Write(db => db.GetCollection(CredentialsCollection).Upsert(new BsonDocument { ["_id"] = sha256, ["value"] = value }));

    // Every write: done, then waited for until LiteDB's writer has written it. If the disk refuses (full, failing), the connection
    // is closed and reopened on next use, so a half-written transaction is dropped by LiteDB's log recovery, never served.
    private T Write<T>(Func<LiteDatabase, T> work)
    {
        lock (_writes)
        {
            var db = OpenForWrite();
            try
            {
                var result = work(db);
                LogWriter.WaitUntilWritten(db);
                return result;
            }
            catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException)
            {
                Close(db);
                throw new StorageUnavailableException(DataPath, e);
            }
        }
    }

    private LiteDatabase OpenForWrite()
    {
        try
        {
            return Db;
        }
        catch (Exception e) when (e is IOException or LiteException)
        {
            throw new StorageUnavailableException(DataPath, e);
        }
    }

    private void Close(LiteDatabase db)
    {
        lock (_opening)
        {
            if (ReferenceEquals(_db, db))
            {
                _db = null;
            }
        }
        try
        {
            LogWriter.AbandonOpenTransactions(db);
            // A LiteDB engine closed by its writer's failure returns at once here; its own error is already reported.
            db.Dispose();
        }
#pragma warning disable CA1031 // Closing a broken connection: whatever it throws, the next write opens a fresh one.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void TryRollback(LiteDatabase db)
    {
        try
        {
            db.Rollback();
        }
#pragma warning disable CA1031 // The engine may already be closed by the failure being reported.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public IReadOnlyDictionary<string, string> ReadCredentials() =>
        Db.GetCollection(CredentialsCollection).FindAll().ToDictionary(d => d["_id"].AsString, d => d["value"].AsString);

    public void Dispose()
    {
        try
        {
            _db?.Dispose();
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

// An entry the data file holds but LiteDB could not read (a corrupt page): Seq is the first entry not read.
internal sealed class UnreadableEntryException(long seq, Exception inner)
    : Exception($"entry {seq} could not be read from the data file ({inner.GetType().Name}: {inner.Message})", inner)
{
    public long Seq { get; } = seq;
}

internal static class Unreadable
{
#pragma warning disable CA1031 // Whatever a corrupt page makes LiteDB throw, it is reported as that entry being unreadable.
    public static T Guard<T>(long seq, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new UnreadableEntryException(seq, e);
        }
    }
#pragma warning restore CA1031
}

internal sealed class DataFileInUseException(string message, Exception inner) : Exception(message, inner);

// The data file could not be written (a full or failing disk): nothing was acknowledged, and the next write tries again.
internal sealed class StorageUnavailableException(string dataPath, Exception inner)
    : Exception($"The data file {dataPath} cannot be written right now: {inner.Message}", inner);
