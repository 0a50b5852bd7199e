using System.Reflection;
using LiteDB;
using LiteDB.Engine;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Unit;

// LiteDB 5's page cache is not safe for concurrent readers (litedb-org/LiteDB#2817): the store's connection makes one engine
// call at a time, and a query's documents are read before the next call starts.
public sealed class OneCallAtATimeTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("one-call-at-a-time-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Concurrent_reads_and_writes_reach_the_engine_one_at_a_time_and_each_read_gets_its_documents()
    {
        using var real = new LiteEngine(new EngineSettings { Filename = Path.Combine(_folder.FullName, "data.db") });
        var probe = InFlightProbe.Around(real);
        using var db = new LiteDatabase(new OneCallAtATime(probe), new BsonMapper(), disposeOnClose: false);
        var documents = db.GetCollection("documents");
        documents.InsertBulk(Enumerable.Range(1, 2_000).Select(i => new BsonDocument { ["_id"] = i, ["text"] = new string('x', 200) }));

        Parallel.For(0, 96, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (i % 8 == 0)
            {
                documents.Upsert(new BsonDocument { ["_id"] = 10_000 + i, ["text"] = "written meanwhile" });
            }
            var start = i * 17 % 1_900;
            var read = documents.Find(Query.And(Query.GT("_id", start), Query.LTE("_id", start + 100))).Select(d => d["_id"].AsInt32);
            Assert.Equal(Enumerable.Range(start + 1, 100), read);
        });

        Assert.Equal(1, ((InFlightProbe)(object)probe).MostAtOnce);
        Assert.Equal(2_012, documents.Count());
    }

    [Fact]
    public void The_ledger_store_opens_its_data_file_through_it()
    {
        using var store = new LedgerStore(Path.Combine(_folder.FullName, "statuspage.db"));
        Assert.Equal(0, store.Count()); // opens the connection
        var connection = typeof(LedgerStore).GetField("_db", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(store);
        Assert.IsType<OneCallAtATime>(typeof(LiteDatabase).GetField("_engine", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(connection));
    }
}

// A real engine that counts the calls inside it at once, a query until its reader is disposed; each call lingers a moment so
// that calls which overlap are seen to.
public class InFlightProbe : DispatchProxy
{
    private ILiteEngine _inner = null!;
    private int _now;
    private int _most;

    public int MostAtOnce => Volatile.Read(ref _most);

    public static ILiteEngine Around(ILiteEngine inner)
    {
        var proxy = Create<ILiteEngine, InFlightProbe>();
        ((InFlightProbe)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        Enter();
        var query = false;
        try
        {
            Thread.Sleep(1);
            var result = targetMethod!.Invoke(_inner, args);
            if (result is IBsonDataReader reader)
            {
                query = true;
                return new ReaderUntilDisposed(reader, this);
            }
            return result;
        }
        finally
        {
            if (!query)
            {
                Exit();
            }
        }
    }

    private void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        int most;
        while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
        {
        }
    }

    private void Exit() => Interlocked.Decrement(ref _now);

    private sealed class ReaderUntilDisposed(IBsonDataReader inner, InFlightProbe probe) : IBsonDataReader
    {
        public BsonValue this[string field] => inner[field];

        public string Collection => inner.Collection;

        public BsonValue Current => inner.Current;

        public bool HasValues => inner.HasValues;

        public bool Read()
        {
            Thread.Sleep(0);
            return inner.Read();
        }

        public void Dispose()
        {
            inner.Dispose();
            probe.Exit();
        }
    }
}
