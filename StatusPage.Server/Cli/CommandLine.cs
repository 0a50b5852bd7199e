using System.Text;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Cli;

// Verbs of the same program: `verify [FILE] [--checkpoint FILE]`, `verify-proof`, `key`, `monitor`, `export`, `import FILE`.
// Configuration arguments work as for the server.
public static partial class CommandLine
{
    private static readonly string[] Verbs = ["verify", "verify-proof", "key", "monitor", "export", "import"];

    // Options of the verbs themselves, each followed by its value; every other "--x=y" is configuration.
    private static readonly string[] ValueOptions = ["--checkpoint", "--key", "--state"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var verb = args[0];
        if (!TryParse(args, out var positional, out var named, out var configuration, out var help))
        {
            return Usage(error);
        }
        if (help)
        {
            output.WriteLine(UsageText);
            return 0;
        }
        var builder = Host.CreateApplicationBuilder([.. configuration]);
        var options = builder.Configuration.GetSection(StatusPageOptions.Section).Get<StatusPageOptions>() ?? new StatusPageOptions();
        var (dataPath, contentPath) = options.Resolve(builder.Environment.ContentRootPath);
        var transparency = builder.Configuration.GetSection(TransparencyOptions.Section).Get<TransparencyOptions>() ?? new TransparencyOptions();
        var keys = new KeyFileSettings(transparency.KeyPathFor(dataPath), () => OriginForNewKey(transparency, contentPath));
        var checkpoint = named.GetValueOrDefault("--checkpoint");
        var key = named.GetValueOrDefault("--key");
        try
        {
            return verb switch
            {
                "verify" when positional.Count == 1 && checkpoint is not null =>
                    VerifyFileAgainstCheckpoint(positional[0], checkpoint, key, keys.Path, output, error),
                "verify" when positional.Count == 0 && checkpoint is not null =>
                    WithStore(dataPath, store => VerifyStoreAgainstCheckpoint(store, checkpoint, key, keys.Path, output, error)),
                "verify" when positional.Count == 1 => VerifyFile(positional[0], output, error),
                "verify" when positional.Count == 0 => WithStore(dataPath, store => Verify(store, output, error)),
                "verify-proof" when positional.Count == 1 => VerifyProof(positional[0], key, output, error),
                "key" when positional.Count == 0 => PrintKey(keys, output),
                "monitor" when positional.Count == 1 && named.TryGetValue("--state", out var state) =>
                    Monitor(positional[0], state, key, output, error),
                "export" => WithStore(dataPath, store => Export(store, output)),
                "import" when positional.Count == 1 => WithStore(dataPath, store => Import(store, positional[0], keys, output, error)),
                _ => Usage(error),
            };
        }
        catch (DataFileInUseException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    private static bool TryParse(string[] args, out List<string> positional, out Dictionary<string, string> named,
        out List<string> configuration, out bool help)
    {
        (positional, named, configuration, help) = ([], [], [], false);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                help = true;
            }
            else if (ValueOptions.Contains(arg))
            {
                if (i + 1 >= args.Length)
                {
                    return false;
                }
                named[arg] = args[++i];
            }
            else if (ValueOptions.FirstOrDefault(o => arg.StartsWith(o + "=", StringComparison.Ordinal)) is { } option)
            {
                named[option] = arg[(option.Length + 1)..];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                configuration.Add(arg);
            }
            else
            {
                positional.Add(arg);
            }
        }
        return true;
    }

    private static int WithStore(string dataPath, Func<LedgerStore, int> action)
    {
        using var store = new LedgerStore(dataPath);
        return action(store);
    }

    private const string UsageText = """
        usage: StatusPage.Server VERB [ARGS] [--StatusPage:DataPath=... and other settings as for the server]
          verify                           check this data file's whole chain and its own latest signed checkpoint
          verify LEDGER.ndjson             check an exported or downloaded ledger
          verify [LEDGER.ndjson] --checkpoint FILE [--key VKEY|FILE]
                                           ... and that its first N entries have the root the signed checkpoint (size N)
                                           states; the key defaults to this data file's own signing key
          verify-proof PROOF.json [--key VKEY|FILE]
                                           check an incident's or maintenance's proof.json offline (signature, entry
                                           hashes, bodies, inclusion); the key defaults to the one inside the bundle
          key                              print the log's verifier key (creates the signing key file if missing)
          monitor URL --state DIR [--key VKEY|FILE]
                                           witness a status page's log (for cron): the key is pinned in DIR on first run;
                                           exit 1 naming sizes and roots on a rewrite, truncation or fork
          export                           the ledger as NDJSON on standard output
          import LEDGER.ndjson             restore or extend this data file from an export, then sign its new head
        exit codes: 0 OK, 1 failed verification (or refused import), 2 usage or I/O error
        """;

    private static int Usage(TextWriter error)
    {
        error.WriteLine(UsageText);
        return 2;
    }

    // Reads as the server's start-up does (ReplayAll), so an unreadable entry is reported like a bad one instead of crashing;
    // then the data file's own latest signed checkpoint: fewer entries or another root at its size is named here.
    private static int Verify(LedgerStore store, TextWriter output, TextWriter error)
    {
        var verifier = new ChainVerifier();
        var entries = new List<LedgerEntry>();
        ChainProblem? problem = null;
        try
        {
            foreach (var entry in store.ReplayAll())
            {
                if ((problem = verifier.Check(entry)) is not null)
                {
                    break;
                }
                entries.Add(entry);
            }
            problem ??= verifier.Finish();
        }
        catch (UnreadableEntryException e)
        {
            problem = new ChainProblem(e.Seq, "?", e.Message);
        }
        if (problem is null && ContradictsLatestCheckpoint(store, entries, store.DataPath) is { } contradiction)
        {
            error.WriteLine($"FAILED: {contradiction}");
            return 1;
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
    private static int Import(LedgerStore store, string path, KeyFileSettings keys, TextWriter output, TextWriter error)
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
        if (ContradictsLatestCheckpoint(store, entries, path) is { } contradiction)
        {
            error.WriteLine($"REFUSED: {contradiction}. Nothing was imported.");
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
        var signed = SignImportedHead(store, entries, added, keys);
        output.WriteLine($"OK: imported {added.Count} entries from {path}; head {head.Hash}" +
            (signed is null ? "" : $"; signed checkpoint size {signed.Size}, root {signed.Checkpoint.RootBase64}"));
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
