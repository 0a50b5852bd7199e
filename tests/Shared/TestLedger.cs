using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests;

// A LedgerService over a real LiteDB file in a temp folder, with a fake clock and a few declared components.
public sealed class TestLedger : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    // A post's component changes, as the commands take them.
    public static ImmutableSortedDictionary<string, ComponentStatus> Components(params (string Id, ComponentStatus Status)[] changes) =>
        changes.ToImmutableSortedDictionary(c => c.Id, c => c.Status, StringComparer.Ordinal);

    private TestLedger(string dir)
    {
        Dir = dir;
        Store = new LedgerStore(DataPath);
        Ledger = new LedgerService(Store, Time, new TransparencyLog(KeyFile), NullLogger<LedgerService>.Instance);
        Ledger.Load();
    }

    public string Dir { get; }

    public string DataPath => Path.Combine(Dir, "statuspage.db");

    // The log's signing key, beside the data file as the server keeps it; kept across restarts.
    public TransparencyKeyFile KeyFile => _keyFile ??= new TransparencyKeyFile(TransparencyKeyFile.DefaultPath(DataPath), () => "test.example/ledger");

    private TransparencyKeyFile? _keyFile;

    public FakeTimeProvider Time { get; } = new(Start);

    public LedgerStore Store { get; private set; }

    public LedgerService Ledger { get; private set; }

    public StatusSnapshot State => Ledger.Current;

    public static TestLedger Create(bool seed = true)
    {
        var ledger = new TestLedger(Directory.CreateTempSubdirectory("statuspage-ledger-").FullName);
        if (seed)
        {
            ledger.Ok(new DeclareProvider("halden", "Halden Hosting", "https://status.halden.example"));
            ledger.Ok(new DeclareGroup("api", "API", 0));
            ledger.Ok(new DeclareComponent("ingestion-api", "Ingestion API", "Writes", "api", 99.95m, 1));
            ledger.Ok(new DeclareComponent("query-api", "Query API", "Reads", "api", 99.9m, 2));
            ledger.Ok(new DeclareComponent("private-network", "Private network", null, null, 99.9m, 3));
        }
        return ledger;
    }

    public AppendResult Do(HistoryCommand command, string author = "tester") =>
        Ledger.AppendAsync(command, author).GetAwaiter().GetResult();

    public AppendResult Ok(HistoryCommand command, string author = "tester")
    {
        var result = Do(command, author);
        if (result.Violation is { } violation)
        {
            throw new InvalidOperationException($"expected {command.GetType().Name} to be accepted: {violation}");
        }
        return result;
    }

    public RuleViolation Refused(HistoryCommand command)
    {
        var result = Do(command);
        return result.Violation ?? throw new InvalidOperationException($"expected {command.GetType().Name} to be refused");
    }

    // Closes the file and opens it again, replaying the ledger as a restart would.
    public void Restart(bool freshKey = false)
    {
        if (freshKey)
        {
            _keyFile?.Dispose();
            _keyFile = null;
        }
        Ledger.Dispose();
        Store.Dispose();
        Store = new LedgerStore(DataPath);
        Ledger = new LedgerService(Store, Time, new TransparencyLog(KeyFile), NullLogger<LedgerService>.Instance);
        Ledger.Load();
    }

    public void Close()
    {
        Ledger.Dispose();
        Store.Dispose();
    }

    public void Dispose()
    {
        Close();
        _keyFile?.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
