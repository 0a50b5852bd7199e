using System.Text.Json;
using StatusPage.Server.Content;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;
using StatusPage.Server.Transparency;
using StatusPage.Server.TransparencyApi;

namespace StatusPage.Server.Cli;

// The transparency-log verbs: checking a ledger against a signed checkpoint, a proof.json offline, printing the key,
// and signing what `import` adds. docs/LEDGER.md is the format they check.
internal static partial class CommandLine
{
    // Where the signing key is (as the server finds it) and the origin a new key gets (as the server would name it).
    private sealed record KeyFileSettings(string Path, Func<string> OriginForNewKey)
    {
        public TransparencyKeyFile Open() => new(Path, OriginForNewKey);
    }

    // The server names a new key from the site URL in content/site.yml; the CLI reads the same file when it must create one.
    private static string OriginForNewKey(TransparencyOptions options, string contentPath)
    {
        if (options.Origin is { Length: > 0 } origin)
        {
            return origin;
        }
        var url = SiteSettings.Default.Url;
        var siteFile = Path.Combine(contentPath, "site.yml");
        try
        {
            if (File.Exists(siteFile) && ContentFiles.YamlReader.Deserialize<SiteFile>(File.ReadAllText(siteFile))?.Url is { } text &&
                Uri.TryCreate(text, UriKind.Absolute, out var parsed))
            {
                url = parsed;
            }
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // The server reports a bad site.yml itself; the key is named after the default URL, as the server would.
        }
        return TransparencyOptions.OriginFor(url);
    }

    private static int PrintKey(KeyFileSettings keys, TextWriter output)
    {
        using var key = keys.Open();
        output.WriteLine(key.Verifier.ToString());
        return 0;
    }

    // The server must be stopped (the data file is locked). Whatever start-up would do first is done first: an interrupted
    // replacement is finished, a lost key recorded, an unsigned head signed.
    private static int RotateKey(LedgerStore store, KeyFileSettings keys, KeyChangeReason reason, TextWriter output, TextWriter error)
    {
        if (reason == KeyChangeReason.Rotated && !File.Exists(keys.Path))
        {
            error.WriteLine($"rotate-key: there is no signing key file {keys.Path}, so the old key cannot sign the handover; " +
                "use --reason lost");
            return 2;
        }
        using var key = keys.Open();
        using var ledger = new LedgerService(store, TimeProvider.System, new TransparencyLog(key),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LedgerService>.Instance);
        ledger.Load();
        if (ledger.Current.IntegrityProblem is { } problem)
        {
            error.WriteLine($"FAILED: {store.DataPath}: {problem} No key is replaced on a history that does not verify.");
            return 1;
        }
        var keysBefore = ledger.Current.Keys.Recorded.Count;
        ledger.SignHeadIfUnsignedAsync().GetAwaiter().GetResult();
        if (ledger.Current.Keys.Recorded.Count > keysBefore)
        {
            // The key file was missing or held an unrecorded key: start-up's own rule recorded it as lost; nothing more to do.
            var lost = ledger.Current.Keys.Latest!;
            output.WriteLine($"OK: the old key was not at hand; the new key {lost.VerifierKey} is recorded as entry {lost.Seq} " +
                $"(log.key_added, reason lost) and signs from tree size {lost.FromSize}");
            return 0;
        }
        var old = key.Verifier.ToString();
        var result = ledger.ReplaceKeyAsync(reason, "rotate-key").GetAwaiter().GetResult();
        if (result.Violation is { } violation)
        {
            error.WriteLine($"FAILED: {violation.Message}");
            return 1;
        }
        var added = ledger.Current.Keys.Latest!;
        output.WriteLine($"OK: the signing key {old} is replaced by {added.VerifierKey} ({reason.ToString().ToLowerInvariant()}), " +
            $"recorded as entry {added.Seq} (log.key_added); the checkpoint of size {added.FromSize} is signed by " +
            (reason == KeyChangeReason.Rotated ? "both keys" : "the new key only") +
            $". The old key file is kept as {key.Path}.retired-{ParseVerifier(old)!.KeyId:x8}. Publish the new key where your " +
            "customers can check it (GET /api/v1/ledger/keys lists every key).");
        return 0;
    }

    private static int VerifyStoreAgainstCheckpoint(LedgerStore store, string checkpointPath, string? keyArg, string defaultKeyPath,
        TextWriter output, TextWriter error) =>
        VerifyAgainstCheckpoint([.. store.ReadAll()], store.DataPath, checkpointPath, keyArg, defaultKeyPath, output, error);

    private static int VerifyFileAgainstCheckpoint(string path, string checkpointPath, string? keyArg, string defaultKeyPath,
        TextWriter output, TextWriter error)
    {
        if (!TryRead(path, out var entries, error))
        {
            return 1;
        }
        // A published site's tiles and bundles are part of what it serves: checked here as without --checkpoint.
        if (ExportedLedger.IsSite(path) && CheckSiteTiles(ExportedLedger.For(path), entries) is { } mismatch)
        {
            error.WriteLine($"FAILED: {path}: {mismatch}");
            return 1;
        }
        return VerifyAgainstCheckpoint(entries, path, checkpointPath, keyArg, defaultKeyPath, output, error);
    }

    // The chain verifies, the checkpoint's signature verifies with the key, and the first N entries have its root at its size N.
    private static int VerifyAgainstCheckpoint(List<LedgerEntry> entries, string source, string checkpointPath, string? keyArg,
        string defaultKeyPath, TextWriter output, TextWriter error)
    {
        if (ChainVerifier.VerifyAll(entries, out var head) is { } problem)
        {
            error.WriteLine($"FAILED: {source}: first bad entry is {problem}");
            return 1;
        }
        if (ReadText(checkpointPath, error) is not { } note)
        {
            return 2;
        }
        // Without --key: this data file's own key, or any key the ledger itself records (log.key_added), so a checkpoint an old
        // key signed stays verifiable after the key was replaced. With --key: that key only.
        var recorded = keyArg is null ? RecordedKeys(entries) : [];
        var ownKey = keyArg is not null || File.Exists(defaultKeyPath) ? LoadVerifier(keyArg, defaultKeyPath, error) : null;
        if (ownKey is null && (keyArg is not null || recorded.Count == 0))
        {
            if (keyArg is null)
            {
                error.WriteLine($"no key: {defaultKeyPath} does not exist and the ledger records no key; give the log's verifier key with --key");
            }
            return 2;
        }
        var candidates = (ownKey is null ? recorded : [(ownKey, (long?)null), .. recorded.Where(k => k.Key.ToString() != ownKey.ToString())]);
        var opened = candidates.Select(k => (k.Key, k.RecordedIn, Signed: SignedCheckpoint.Open(note, k.Key))).FirstOrDefault(k => k.Signed is not null);
        if (opened.Signed is not { } signed)
        {
            var tried = string.Join(", ", candidates.Select(k => k.Key.ToString()));
            error.WriteLine($"FAILED: {checkpointPath}: {Unverified(note)} does not verify with the key {tried}");
            return 1;
        }
        var verifier = opened.Key;
        var checkpoint = signed.Checkpoint;
        if (CompareWithCheckpoint(entries, checkpoint, source) is { } mismatch)
        {
            error.WriteLine($"FAILED: {mismatch}");
            return 1;
        }
        var whichKey = opened.RecordedIn is { } seq ? $"the key {verifier} (recorded in this ledger, entry {seq})" : verifier.Name;
        output.WriteLine($"OK: {source}: {head.Seq} entries verified, head {head.Hash}; consistent with the checkpoint of size " +
            $"{checkpoint.Size} (root {checkpoint.RootBase64}) signed by {whichKey}");
        return 0;
    }

    // Every key the ledger's log.key_added entries name (the new key and the one it replaced), with the entry that names it.
    private static List<(NoteVerifier Key, long? RecordedIn)> RecordedKeys(IEnumerable<LedgerEntry> entries)
    {
        var keys = new List<(NoteVerifier, long?)>();
        foreach (var entry in entries.Where(e => e.Kind == EntryKinds.KeyAdded))
        {
            var added = (KeyAdded)PayloadJson.Deserialize(entry.Kind, entry.Payload);
            foreach (var text in new[] { added.Replaces, added.VerifierKey })
            {
                if (text is not null && ParseVerifier(text) is { } key && !keys.Any(k => k.Item1.ToString() == text))
                {
                    keys.Add((key, entry.Seq));
                }
            }
        }
        return keys;
    }

    // Why these entries contradict the checkpoint (fewer entries, or another root at its size); null when they agree.
    private static string? CompareWithCheckpoint(IReadOnlyList<LedgerEntry> entries, Checkpoint checkpoint, string source) =>
        checkpoint.ContradictionBy(TreeOf(entries)) switch
        {
            null => null,
            { RootAtSize: null } c => $"{source} holds {c.TreeSize} entries, but the checkpoint signs a tree of size {checkpoint.Size} " +
                $"(root {checkpoint.RootBase64}): entries were removed (truncation)",
            var c => $"{source}: the root of its first {checkpoint.Size} entries is {Convert.ToBase64String(c.RootAtSize)}, but the " +
                $"checkpoint signs {checkpoint.RootBase64} for size {checkpoint.Size}: history was rewritten",
        };

    // import: a file shorter than this data file's latest checkpoint, or with another root at its size, contradicts what we signed.
    private static string? ContradictsLatestCheckpoint(LedgerStore store, IReadOnlyList<LedgerEntry> entries, string path)
    {
        if (store.LatestCheckpoint() is not { } latest)
        {
            return null;
        }
        if (SignedCheckpoint.ReadUnverified(latest.Note) is not { } checkpoint)
        {
            return $"this data file's latest signed checkpoint (size {latest.Size}) cannot be read";
        }
        return CompareWithCheckpoint(entries, checkpoint, path) is { } mismatch
            ? $"{mismatch}; this data file signed that checkpoint"
            : null;
    }

    // Commits the imported entries with a signed checkpoint of the new head (one transaction), as the server's appends do.
    private static SignedCheckpoint? SignImportedHead(LedgerStore store, List<LedgerEntry> entries, List<LedgerEntry> added,
        KeyFileSettings keys)
    {
        if (entries.Count == 0 || (added.Count == 0 && store.CheckpointAt(entries.Count) is not null))
        {
            return null;
        }
        using var key = keys.Open();
        var log = new TransparencyLog(key);
        foreach (var entry in entries)
        {
            log.AddLeaf(entry.Hash);
        }
        var checkpoint = log.Sign();
        if (added.Count > 0)
        {
            // A redaction among the imported entries erases its body here too, as the server's own append does.
            var erased = added.Where(e => e.Kind == EntryKinds.Redacted)
                .Select(e => ((Redacted)PayloadJson.Deserialize(e.Kind, e.Payload)).Redacts).ToList();
            store.Append(added, erased, (checkpoint.Size, checkpoint.Note));
        }
        else
        {
            store.SaveCheckpoint(checkpoint.Size, checkpoint.Note);
        }
        return checkpoint;
    }

    private static int VerifyProof(string path, string? keyArg, TextWriter output, TextWriter error)
    {
        if (ReadText(path, error) is not { } json)
        {
            return 2;
        }
        ProofBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize<ProofBundle>(json, TransparencyEndpoints.Json);
        }
        catch (JsonException e)
        {
            error.WriteLine($"FAILED: {path} is not a proof bundle: {e.Message}");
            return 1;
        }
        if (bundle is not { Format: ProofBundle.FormatName, Checkpoint: not null, VerifierKey: not null, Entries.Count: > 0 })
        {
            error.WriteLine($"FAILED: {path} is not a {ProofBundle.FormatName} bundle with a checkpoint, a key and entries");
            return 1;
        }
        var verifier = keyArg is null ? ParseVerifier(bundle.VerifierKey) : LoadVerifier(keyArg, null, error);
        if (verifier is null)
        {
            error.WriteLine($"FAILED: {path}: no usable verifier key (verifier_key: {bundle.VerifierKey})");
            return 1;
        }
        if (SignedCheckpoint.Open(bundle.Checkpoint, verifier) is not { } signed)
        {
            error.WriteLine($"FAILED: {path}: its {Unverified(bundle.Checkpoint)} does not verify with the key {verifier}");
            return 1;
        }
        var checkpoint = signed.Checkpoint;
        if (bundle.TreeSize != checkpoint.Size || bundle.Root != checkpoint.RootBase64)
        {
            error.WriteLine($"FAILED: {path}: tree_size {bundle.TreeSize} and root {bundle.Root} are not the signed checkpoint's " +
                $"(size {checkpoint.Size}, root {checkpoint.RootBase64})");
            return 1;
        }
        foreach (var proven in bundle.Entries)
        {
            if (ProvenEntryProblem(proven, bundle.Subject, checkpoint) is { } problem)
            {
                error.WriteLine($"FAILED: {path}: {problem}");
                return 1;
            }
        }
        output.WriteLine($"OK: {path}: {bundle.Entries.Count} entries of {bundle.SubjectKind} {bundle.Subject} verified and included in " +
            $"the tree of size {checkpoint.Size} (root {checkpoint.RootBase64}) signed by {verifier}");
        return 0;
    }

    private static string? ProvenEntryProblem(ProvenEntry proven, string subject, Checkpoint checkpoint)
    {
        if (proven.Entry is null || proven.Inclusion is null)
        {
            return "an entry lacks its fields or its inclusion proof";
        }
        var entry = proven.Entry.ToEntry();
        var name = $"entry {entry.Seq} ({entry.Id})";
        if (entry.Subject != subject)
        {
            return $"{name} is about {entry.Subject}, not {subject}";
        }
        if (EntryProblem(entry) is { } problem)
        {
            return $"{name}: {problem}";
        }
        if (proven.LeafIndex != entry.Seq - 1)
        {
            return $"{name} has leaf_index {proven.LeafIndex}; entry seq S is leaf S-1";
        }
        List<byte[]> path;
        try
        {
            path = [.. proven.Inclusion.Select(Convert.FromBase64String)];
        }
        catch (FormatException)
        {
            return $"{name}: its inclusion proof is not base64";
        }
        return MerkleProofs.VerifyInclusion(Convert.FromHexString(entry.Hash), proven.LeafIndex, checkpoint.Size, path, checkpoint.Root)
            ? null
            : $"{name} is not included in the signed tree of size {checkpoint.Size} (root {checkpoint.RootBase64}): its inclusion proof fails";
    }

    // One entry on its own: its hash recomputes from its fields and a present body has the SHA-256 its payload commits to.
    internal static string? EntryProblem(LedgerEntry entry)
    {
        if (!HashedEntry.Of(entry).HashMatches)
        {
            return "its hash does not match its fields (a field was altered)";
        }
        IEntryPayload payload;
        try
        {
            payload = PayloadJson.Deserialize(entry.Kind, entry.Payload);
        }
        catch (JsonException e)
        {
            return $"its payload cannot be read: {e.Message}";
        }
        return (entry.Body, payload) switch
        {
            (null, _) => null,
            (_, IBodyPayload withBody) when LedgerEntry.Sha256Hex(entry.Body) == withBody.BodySha256 => null,
            (_, IBodyPayload) => "its body does not match the body_sha256 its payload commits to (the text was altered)",
            _ => "it carries a body although its kind has none",
        };
    }

    internal static MerkleTree TreeOf(IEnumerable<LedgerEntry> entries)
    {
        var tree = new MerkleTree();
        foreach (var entry in entries)
        {
            tree.Append(Convert.FromHexString(entry.Hash));
        }
        return tree;
    }

    // --key takes a verifier key, a file holding one, or a signing-key file; without it, the default key file (if any).
    private static NoteVerifier? LoadVerifier(string? keyArg, string? defaultKeyPath, TextWriter error)
    {
        var source = keyArg ?? defaultKeyPath;
        if (source is null || (keyArg is null && !File.Exists(source)))
        {
            error.WriteLine($"no key: {source} does not exist; give the log's verifier key with --key");
            return null;
        }
        var text = File.Exists(source) ? File.ReadAllText(source) : source;
        if (ParseVerifier(text) is { } verifier)
        {
            return verifier;
        }
        try
        {
            using var signer = NoteSigner.Parse(text);
            return signer.Verifier;
        }
        catch (FormatException)
        {
            error.WriteLine($"no key: {source} is neither a verifier key (name+id+base64) nor a signing key");
            return null;
        }
    }

    private static NoteVerifier? ParseVerifier(string text) => NoteVerifier.TryParse(text.Trim(), out var verifier) ? verifier : null;

    private static string? ReadText(string path, TextWriter error)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            error.WriteLine($"cannot read {path}: {e.Message}");
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"cannot read {path}: {e.Message}");
            return null;
        }
    }

    // What an unverified note claims, to name it in a failure.
    private static string Unverified(string note) => SignedCheckpoint.ReadUnverified(note) is { } claimed
        ? $"the checkpoint of size {claimed.Size} (root {claimed.RootBase64}, origin {claimed.Origin})"
        : "the checkpoint (not a readable signed note)";

    private static int Monitor(string url, string stateDir, string? keyArg, TextWriter output, TextWriter error)
    {
        NoteVerifier? pinned = null;
        if (keyArg is not null && (pinned = LoadVerifier(keyArg, null, error)) is null)
        {
            return 2;
        }
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            error.WriteLine($"monitor: {url} is not an http(s) URL");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        return new LedgerMonitor(http, stateDir, pinned, output, error).RunAsync().GetAwaiter().GetResult();
    }
}
