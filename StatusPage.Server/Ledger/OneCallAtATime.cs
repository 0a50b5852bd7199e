using LiteDB;
using LiteDB.Engine;

namespace StatusPage.Server.Ledger;

// LiteDB 5's page cache has a race between concurrent readers (litedb-org/LiteDB#2817, in every 5.0 release up to 5.0.21, fixed
// only by a cache not yet released): a reader can decode a page buffer another reader's cache extension is recycling. Once the
// file is larger than the cache's working set, it shows as "Page type must be data page" and then fails every later read of
// that connection. Seen here at 100,000 entries, the export reading ledger tiles four at a time. So the store's one connection
// makes one engine call at a time: a query's documents are read under the lock and handed out from memory (the store reads
// the ledger in slices, never the whole file in one query). Writes were already one at a time (LedgerStore.Write).
internal sealed class OneCallAtATime(ILiteEngine inner) : ILiteEngine
{
    private readonly Lock _gate = new();

    public ILiteEngine Inner { get; } = inner;

    public IBsonDataReader Query(string collection, Query query)
    {
        lock (_gate)
        {
            using var reader = Inner.Query(collection, query);
            var documents = new List<BsonValue>();
            while (reader.Read())
            {
                documents.Add(reader.Current);
            }
            return new ReadDocuments(collection, documents);
        }
    }

    public int Checkpoint() => One(() => Inner.Checkpoint());

    public long Rebuild(RebuildOptions options) => One(() => Inner.Rebuild(options));

    public bool BeginTrans() => One(Inner.BeginTrans);

    public bool Commit() => One(Inner.Commit);

    public bool Rollback() => One(Inner.Rollback);

    public int Insert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => One(() => Inner.Insert(collection, docs, autoId));

    public int Update(string collection, IEnumerable<BsonDocument> docs) => One(() => Inner.Update(collection, docs));

    public int UpdateMany(string collection, BsonExpression transform, BsonExpression predicate) =>
        One(() => Inner.UpdateMany(collection, transform, predicate));

    public int Upsert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => One(() => Inner.Upsert(collection, docs, autoId));

    public int Delete(string collection, IEnumerable<BsonValue> ids) => One(() => Inner.Delete(collection, ids));

    public int DeleteMany(string collection, BsonExpression predicate) => One(() => Inner.DeleteMany(collection, predicate));

    public bool DropCollection(string name) => One(() => Inner.DropCollection(name));

    public bool RenameCollection(string name, string newName) => One(() => Inner.RenameCollection(name, newName));

    public bool EnsureIndex(string collection, string name, BsonExpression expression, bool unique) =>
        One(() => Inner.EnsureIndex(collection, name, expression, unique));

    public bool DropIndex(string collection, string name) => One(() => Inner.DropIndex(collection, name));

    public BsonValue Pragma(string name) => One(() => Inner.Pragma(name));

    public bool Pragma(string name, BsonValue value) => One(() => Inner.Pragma(name, value));

    public void Dispose()
    {
        lock (_gate)
        {
            Inner.Dispose();
        }
    }

    private T One<T>(Func<T> call)
    {
        lock (_gate)
        {
            return call();
        }
    }

    // A query's documents, read already.
    private sealed class ReadDocuments(string collection, List<BsonValue> documents) : IBsonDataReader
    {
        private int _next;

        public BsonValue this[string field] => Current.AsDocument[field] ?? BsonValue.Null;

        public string Collection => collection;

        public BsonValue Current { get; private set; } = BsonValue.Null;

        public bool HasValues => documents.Count > 0;

        public bool Read()
        {
            if (_next >= documents.Count)
            {
                return false;
            }
            Current = documents[_next++];
            return true;
        }

        public void Dispose()
        {
        }
    }
}
