using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Cli;

// Verbs of the same program (`StatusPage.Server verify`, ...), parsed by System.CommandLine: the verb table first, then
// each verb's work. Settings (--StatusPage:DataPath=...) work as for the server; any other unknown argument is refused.
internal static partial class CommandLine
{
    private const string ProgramName = "StatusPage.Server";

    private static readonly string[] Verbs = ["verify", "verify-proof", "key", "rotate-key", "monitor", "export", "import"];

    // The root's own options: `StatusPage.Server --help` prints help instead of starting the server.
    private static readonly string[] RootOptions = ["--help", "-h", "-?", "/h", "/?", "--version"];

    // Host settings given without a section, as Host.CreateApplicationBuilder reads them from the command line.
    private static readonly string[] HostSettings = ["environment", "contentRoot", "applicationName"];

    // export-site without its folder (or with --help) is answered here too, instead of starting the server.
    public static bool IsVerb(string[] args) => args.Length > 0 && (Verbs.Contains(args[0]) || RootOptions.Contains(args[0])
        || (args[0] == SiteExportVerb.Name && SiteExportVerb.From(args) is null));

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var (verbArgs, settings) = SplitSettings(args);
        var root = Commands(settings, output, error);
        // No response files: a file argument starting with @ is a file name, as before.
        var result = root.Parse(verbArgs, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Action is ParseErrorAction)
        {
            return Refuse(result, error);
        }
        try
        {
            return result.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (DataFileInUseException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    // The verb table: each verb's arguments and options, and what it runs.
    private static RootCommand Commands(IReadOnlyList<string> settings, TextWriter output, TextWriter error)
    {
        var ledger = new Argument<string?>("LEDGER.ndjson")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "an exported or downloaded ledger (NDJSON); without it, this data file",
        };
        var checkpoint = new Option<string>("--checkpoint")
        {
            HelpName = "FILE",
            Description = "a signed checkpoint (as served at /api/v1/ledger/checkpoint): the ledger's first N entries must have " +
                "the root it signs for size N",
        };
        var key = new Option<string>("--key")
        {
            HelpName = "VKEY|FILE",
            Description = "the log's verifier key, a file holding one, or a signing-key file",
        };
        var verify = new Command("verify", "Check a ledger's hash chain: this data file (and its own latest signed checkpoint), " +
            "or an exported ledger; with --checkpoint, also that it agrees with that signed checkpoint (the key defaults to " +
            "this data file's own signing key).") { ledger, checkpoint, key };
        verify.Validators.Add(result =>
        {
            if (result.GetResult(key) is not null && result.GetResult(checkpoint) is null)
            {
                result.AddError("--key is used only with --checkpoint (the key that checkpoint must verify with)");
            }
        });
        verify.SetAction(parsed =>
        {
            var file = parsed.GetValue(ledger);
            var signed = parsed.GetValue(checkpoint);
            var keyArg = parsed.GetValue(key);
            return (file, signed) switch
            {
                (not null, not null) => VerifyFileAgainstCheckpoint(file, signed, keyArg, Resolve(settings).Keys.Path, output, error),
                (null, not null) => WithStore(settings, (store, resolved) =>
                    VerifyStoreAgainstCheckpoint(store, signed, keyArg, resolved.Keys.Path, output, error)),
                (not null, null) => VerifyFile(file, output, error),
                (null, null) => WithStore(settings, (store, _) => Verify(store, output, error)),
            };
        });

        var proof = new Argument<string>("PROOF.json")
        {
            Description = "an incident's or maintenance's proof.json (/incidents/{id}/proof.json)",
        };
        var proofKey = new Option<string>("--key")
        {
            HelpName = "VKEY|FILE",
            Description = "the log's verifier key, a file holding one, or a signing-key file; by default the key inside the bundle",
        };
        var verifyProof = new Command("verify-proof", "Check a proof.json offline: the checkpoint's signature, the entries' hashes " +
            "and bodies, and their inclusion in the signed tree.") { proof, proofKey };
        verifyProof.SetAction(parsed => VerifyProof(parsed.GetRequiredValue(proof), parsed.GetValue(proofKey), output, error));

        var printKey = new Command("key", "Print the log's verifier key (creates the signing key file if it is missing).");
        printKey.SetAction(_ => PrintKey(Resolve(settings).Keys, output));

        var reason = new Option<string>("--reason")
        {
            HelpName = "rotated|lost",
            DefaultValueFactory = _ => "rotated",
            Description = "rotated (default): the old key also signs the handover; lost: the old key is lost or no longer trusted, " +
                "so only the new key signs",
        };
        reason.AcceptOnlyFromAmong("rotated", "lost");
        var rotateKey = new Command("rotate-key", "Replace the log's signing key (stop the server first): the new key is recorded " +
            "as a ledger entry (log.key_added) whose checkpoint both keys sign; the old key file is kept aside.") { reason };
        rotateKey.SetAction(parsed => WithStore(settings, (store, resolved) =>
            RotateKey(store, resolved.Keys, parsed.GetRequiredValue(reason) == "lost" ? KeyChangeReason.Lost : KeyChangeReason.Rotated,
                output, error)));

        var url = new Argument<string>("URL") { Description = "the status page's address (http or https)" };
        var state = new Option<string>("--state")
        {
            HelpName = "DIR",
            Required = true,
            Description = "where the witness keeps the pinned key, the last verified checkpoint and every entry hash seen",
        };
        var monitorKey = new Option<string>("--key")
        {
            HelpName = "VKEY|FILE",
            Description = "the key to pin instead of the one pinned on the first run (after the operator announced a new key)",
        };
        var monitor = new Command("monitor", "Witness a status page's log (for cron): the key is pinned in DIR on the first run; " +
            "each run checks that the new signed checkpoint extends the saved one. Exit 1 naming sizes and roots on a rewrite, " +
            "truncation or fork.") { url, state, monitorKey };
        monitor.SetAction(parsed =>
            Monitor(parsed.GetRequiredValue(url), parsed.GetRequiredValue(state), parsed.GetValue(monitorKey), output, error));

        var export = new Command("export", "Write the ledger as NDJSON on standard output.");
        export.SetAction(_ => WithStore(settings, (store, _) => Export(store, output)));

        var importFile = new Argument<string>("LEDGER.ndjson") { Description = "an export of this or another data file" };
        var import = new Command("import", "Restore or extend this data file from an export, then sign its new head. A file that " +
            "does not verify, diverges from this data file or contradicts its latest signed checkpoint is refused whole.") { importFile };
        import.SetAction(parsed => WithStore(settings, (store, resolved) =>
            Import(store, parsed.GetRequiredValue(importFile), resolved.Keys, output, error)));

        // export-site DIR and publish run in the server's own host (Program.cs, SiteExportVerb, PublishVerb, which has its own
        // help); they are here so the root's help lists them, and so export-site without DIR is refused.
        var siteFolder = new Argument<string>("DIR") { Description = "the folder the static site is written to (an earlier export there is updated)" };
        var exportSite = new Command(SiteExportVerb.Name, "Write the public site as static files (every page in every language, feeds, JSON, " +
            "badges, the ledger), with .br and .gz siblings and a manifest; a second run rewrites only what changed.") { siteFolder };
        var publish = new Command(PublishVerb.Name, "Export the site and upload it to an S3-compatible bucket (publish --help).");

        foreach (var argument in new Argument[] { ledger, proof, url, importFile, siteFolder })
        {
            argument.Validators.Add(NotAnOption);
        }
        var root = new RootCommand("With no verb, runs the status page server. With a verb, checks, exports or imports the " +
            "ledger offline, or exports and publishes the static site (stop the server first for verbs that open the data file).")
        {
            verify, verifyProof, printKey, rotateKey, monitor, export, import, exportSite, publish,
        };
        root.HelpName = ProgramName;
        root.Options.OfType<HelpOption>().Single().Action = new HelpWithOverview();
        return root;
    }

    // Every verb's forms in one table, in the root's help, under each verb's help, and after a usage error.
    private static readonly (string Verb, string Usage, string What)[] Overview =
    [
        ("verify", "verify", "check this data file's whole chain and its own latest signed checkpoint"),
        ("verify", "verify LEDGER.ndjson", "check an exported or downloaded ledger"),
        ("verify", "verify [LEDGER.ndjson] --checkpoint FILE [--key VKEY|FILE]",
            "... and that its first N entries have the root the signed checkpoint (size N) states; the key defaults to this " +
            "data file's own signing key"),
        ("verify-proof", "verify-proof PROOF.json [--key VKEY|FILE]",
            "check an incident's or maintenance's proof.json offline (signature, entry hashes, bodies, inclusion); the key " +
            "defaults to the one inside the bundle"),
        ("key", "key", "print the log's verifier key (creates the signing key file if missing)"),
        ("rotate-key", "rotate-key [--reason rotated|lost]",
            "replace the signing key, recorded as a ledger entry (log.key_added) signed by both keys (only the new one if lost)"),
        ("monitor", "monitor URL --state DIR [--key VKEY|FILE]",
            "witness a status page's log (for cron): the key is pinned in DIR on first run; exit 1 naming sizes and roots on a " +
            "rewrite, truncation or fork"),
        ("export", "export", "the ledger as NDJSON on standard output"),
        ("import", "import LEDGER.ndjson", "restore or extend this data file from an export, then sign its new head"),
        ("export-site", "export-site DIR", "write the public site as static files into DIR (incremental)"),
        ("publish", "publish [DIR]", "export the site into DIR and upload it to the S3-compatible bucket (publish --help)"),
        ("publish", "publish --from DIR", "upload an existing export without opening the data file"),
    ];

    private const string SettingsText = """
        Settings (as for the server, e.g. --StatusPage:DataPath=PATH or --StatusPage:DataPath PATH):
          --StatusPage:DataPath=PATH                  the data file (default data/statuspage.db)
          --StatusPage:ContentPath=PATH               the content folder (names a new signing key after content/site.yml)
          --StatusPage:Transparency:KeyPath=PATH      the signing key file (default: beside the data file)
          --environment=NAME                          which appsettings.NAME.json is read
        Exit codes: 0 OK, 1 failed verification (or refused import), 2 usage or I/O error
        """;

    // System.CommandLine's help for the verb (or the root), then every verb's forms, the settings and the exit codes.
    private sealed class HelpWithOverview : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            new HelpAction { MaxWidth = 120 }.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(parseResult.CommandResult.Command is RootCommand ? "Verb forms:" : $"All verbs of {ProgramName}:");
            WriteOverview(output);
            output.WriteLine();
            output.WriteLine(SettingsText);
            return 0;
        }
    }

    // One form per line; a long form puts its description on the lines below it.
    private static void WriteOverview(TextWriter output)
    {
        const int Column = 36;
        foreach (var (_, usage, what) in Overview)
        {
            var line = new StringBuilder("  " + usage);
            if (line.Length + 1 > Column)
            {
                output.WriteLine(line);
                line.Clear();
            }
            foreach (var word in what.Split(' '))
            {
                if (line.Length > Column && line.Length + 1 + word.Length > 120)
                {
                    output.WriteLine(line);
                    line.Clear();
                }
                line.Append(line.Length < Column ? new string(' ', Column - line.Length) : " ").Append(word);
            }
            output.WriteLine(line);
        }
    }

    // System.CommandLine hands an unknown "--option" to a file argument: refuse it instead (./-name for such a file).
    private static void NotAnOption(ArgumentResult result)
    {
        foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value.StartsWith('-')))
        {
            result.AddError($"Unrecognized option '{token.Value}'.");
        }
    }

    // A usage error: what is wrong, the verb's forms, where the help is; exit 2 (nothing was read or written).
    private static int Refuse(ParseResult result, TextWriter error)
    {
        var command = result.CommandResult.Command;
        var verb = command is RootCommand ? null : command.Name;
        foreach (var problem in result.Errors)
        {
            error.WriteLine($"{ProgramName}{(verb is null ? "" : " " + verb)}: {problem.Message}");
        }
        var forms = Overview.Where(v => verb is null || v.Verb == verb).Select(v => v.Usage).ToList();
        error.WriteLine($"usage: {ProgramName} {forms[0]}");
        foreach (var form in forms.Skip(1))
        {
            error.WriteLine($"       {ProgramName} {form}");
        }
        error.WriteLine($"Run '{ProgramName} {(verb is null ? "" : verb + " ")}--help' for more.");
        return 2;
    }

    // Settings are `--Section:Key=value` or `--Section:Key value` (and the host's own, e.g. --environment=Development); they are
    // handed to the configuration as the server would read them, everything else to the verb's parser.
    internal static (List<string> VerbArgs, List<string> Settings) SplitSettings(string[] args)
    {
        var (verbArgs, settings) = (new List<string>(), new List<string>());
        for (var i = 0; i < args.Length; i++)
        {
            if (SettingName(args[i]) is not { } name)
            {
                verbArgs.Add(args[i]);
            }
            else if (args[i].Contains('=', StringComparison.Ordinal))
            {
                settings.Add(args[i]);
            }
            else if (i + 1 < args.Length)
            {
                settings.Add($"--{name}={args[++i]}");
            }
            else
            {
                verbArgs.Add(args[i]);
            }
        }
        return (verbArgs, settings);
    }

    private static string? SettingName(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return null;
        }
        var name = arg[2..].Split('=', 2)[0];
        var section = name.Split(':', 2)[0];
        // --checkpoint:FILE is System.CommandLine's own spelling of --checkpoint FILE, not a setting.
        var isVerbOption = section is "checkpoint" or "key" or "state" or "help";
        return (name.Contains(':', StringComparison.Ordinal) && !isVerbOption && section.Length > 0) ||
            HostSettings.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? name
            : null;
    }

    // Where the data file, the content and the signing key are, resolved as the server resolves them.
    private sealed record Resolved(string DataPath, KeyFileSettings Keys);

    private static Resolved Resolve(IReadOnlyList<string> settings)
    {
        var builder = Host.CreateApplicationBuilder([.. settings]);
        var options = builder.Configuration.GetSection(StatusPageOptions.Section).Get<StatusPageOptions>() ?? new StatusPageOptions();
        var (dataPath, contentPath) = options.Resolve(builder.Environment.ContentRootPath);
        var transparency = builder.Configuration.GetSection(TransparencyOptions.Section).Get<TransparencyOptions>() ?? new TransparencyOptions();
        return new Resolved(dataPath, new KeyFileSettings(transparency.KeyPathFor(dataPath), () => OriginForNewKey(transparency, contentPath)));
    }

    private static int WithStore(IReadOnlyList<string> settings, Func<LedgerStore, Resolved, int> action)
    {
        var resolved = Resolve(settings);
        using var store = new LedgerStore(resolved.DataPath);
        return action(store, resolved);
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
        if (ExportedLedger.IsSite(path))
        {
            return VerifySite(path, output, error);
        }
        if (!TryRead(path, out var entries, error))
        {
            return 1;
        }
        return Report(ChainVerifier.VerifyAll(entries, out var head), head, path, output, error);
    }

    // An exported site (folder or URL): its NDJSON chunks' chain, then its tiles and bundles against the tree of those entries and
    // that tree's root against the site's checkpoint (whose signature `--checkpoint SITE/ledger/checkpoint --key` checks).
    private static int VerifySite(string site, TextWriter output, TextWriter error)
    {
        var ledger = ExportedLedger.For(site);
        Checkpoint checkpoint;
        List<LedgerEntry> entries;
        try
        {
            (checkpoint, entries) = ledger.Read();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or FormatException)
        {
            error.WriteLine($"FAILED: {site}: {e.Message}");
            return 1;
        }
        if (ChainVerifier.VerifyAll(entries, out var head) is { } problem)
        {
            return Report(problem, head, site, output, error);
        }
        if (CheckSiteTiles(ledger, entries, checkpoint) is { } mismatch)
        {
            error.WriteLine($"FAILED: {site}: {mismatch}");
            return 1;
        }
        output.WriteLine($"OK: {site}: {head.Seq} entries verified, head {head.Hash}; its tiles and bundles match them, and their root " +
            $"is the one ledger/checkpoint states for size {checkpoint.Size} (signature not checked: add --checkpoint and --key)");
        return 0;
    }

    // The site's tiles and bundles against the entries (null when they match); a tile missing or unreadable is a mismatch too.
    private static string? CheckSiteTiles(ExportedLedger ledger, List<LedgerEntry> entries, Checkpoint? checkpoint = null)
    {
        try
        {
            return ledger.Check(checkpoint ?? ledger.ReadCheckpoint(), entries);
        }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException)
        {
            return e.Message;
        }
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
        if (ExportedLedger.IsSite(path))
        {
            try
            {
                (_, entries) = ExportedLedger.For(path).Read();
                return true;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or IOException or FormatException)
            {
                error.WriteLine($"REFUSED: {path}: {e.Message}. Nothing was imported.");
                return false;
            }
        }
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
