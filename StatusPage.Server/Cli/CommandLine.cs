using System.Text;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Cli;

// Verbs of the same program: `verify [FILE]`, `export`, `import FILE`. Configuration arguments work as for the server.
public static class CommandLine
{
    private static readonly string[] Verbs = ["verify", "export", "import"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var verb = args[0];
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var builder = Host.CreateApplicationBuilder([.. args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal))]);
        var options = builder.Configuration.GetSection(StatusPageOptions.Section).Get<StatusPageOptions>() ?? new StatusPageOptions();
        var dataPath = options.Resolve(builder.Environment.ContentRootPath).DataPath;
        try
        {
            return verb switch
            {
                "verify" when positional.Count == 1 => VerifyFile(positional[0], output, error),
                "verify" => WithStore(dataPath, store => Verify(store, output, error)),
                "export" => WithStore(dataPath, store => Export(store, output)),
                "import" when positional.Count == 1 => WithStore(dataPath, store => Import(store, positional[0], output, error)),
                _ => Usage(error),
            };
        }
        catch (DataFileInUseException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int WithStore(string dataPath, Func<LedgerStore, int> action)
    {
        using var store = new LedgerStore(dataPath);
        return action(store);
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: verify [FILE.ndjson] | export | import FILE.ndjson   (plus --StatusPage:DataPath=... as for the server)");
        return 2;
    }

    // Reads as the server's start-up does (ReplayAll), so an unreadable entry is reported like a bad one instead of crashing.
    private static int Verify(LedgerStore store, TextWriter output, TextWriter error)
    {
        var verifier = new ChainVerifier();
        ChainProblem? problem = null;
        try
        {
            foreach (var entry in store.ReplayAll())
            {
                if ((problem = verifier.Check(entry)) is not null)
                {
                    break;
                }
            }
            problem ??= verifier.Finish();
        }
        catch (UnreadableEntryException e)
        {
            problem = new ChainProblem(e.Seq, "?", e.Message);
        }
        return Report(problem, verifier.Head, store.DataPath, output, error);
    }

    private static int VerifyFile(string path, TextWriter output, TextWriter error)
    {
        if (!TryRead(path, out var entries, error))
        {
            return 1;
        }
        return Report(ChainVerifier.VerifyAll(entries, out var head), head, path, output, error);
    }

    private static int Report(ChainProblem? problem, LedgerHead head, string source, TextWriter output, TextWriter error)
    {
        if (problem is not null)
        {
            error.WriteLine($"FAILED: {source}: first bad entry is {problem}");
            return 1;
        }
        output.WriteLine($"OK: {source}: {head.Seq} entries verified, head {head.Hash}");
        return 0;
    }

    private static int Export(LedgerStore store, TextWriter output)
    {
        foreach (var entry in store.ReadAll())
        {
            output.Write(LedgerLine.From(entry).ToJson());
            output.Write('\n');
        }
        return 0;
    }

    // Restores or extends this ledger from an export: the file must verify, and must start with exactly the entries we hold.
    private static int Import(LedgerStore store, string path, TextWriter output, TextWriter error)
    {
        if (!TryRead(path, out var entries, error))
        {
            return 1;
        }
        if (ChainVerifier.VerifyAll(entries, out var head) is { } problem)
        {
            error.WriteLine($"REFUSED: {path} does not verify: first bad entry is {problem}. Nothing was imported.");
            return 1;
        }
        var local = store.ReadAll().ToList();
        var diverges = local.Count > entries.Count
            ? local[entries.Count]
            : local.Zip(entries).Where(pair => pair.First.Hash != pair.Second.Hash).Select(pair => pair.First).FirstOrDefault();
        if (diverges is not null)
        {
            error.WriteLine($"REFUSED: this ledger's entry {diverges.Seq} is not in {path} (the histories diverge). Nothing was imported.");
            return 1;
        }
        try
        {
            var replay = new SnapshotBuilder(StatusSnapshot.Empty);
            foreach (var entry in entries)
            {
                Projection.Apply(replay, entry);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException or System.Text.Json.JsonException)
        {
            error.WriteLine($"REFUSED: {path} verifies but does not describe a consistent history ({e.Message}). Nothing was imported.");
            return 1;
        }
        var added = entries.Skip(local.Count).ToList();
        if (added.Count > 0)
        {
            store.Append(added);
        }
        output.WriteLine($"OK: imported {added.Count} entries from {path}; head {head.Hash}");
        return 0;
    }

    private static bool TryRead(string path, out List<LedgerEntry> entries, TextWriter error)
    {
        entries = [];
        var lineNumber = 0;
        try
        {
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                lineNumber++;
                if (line.Length > 0)
                {
                    entries.Add(LedgerLine.Parse(line).ToEntry());
                }
            }
            return true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            error.WriteLine($"REFUSED: {path}:{lineNumber}: {e.Message}. Nothing was imported.");
            return false;
        }
    }
}
