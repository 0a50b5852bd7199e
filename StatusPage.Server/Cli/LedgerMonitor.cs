using System.Text;
using System.Text.Json;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Cli;

// `monitor URL --state DIR`: a customer's witness of a status page's log, run from cron. It pins the log's key on first run,
// and each run checks that the newly signed checkpoint extends the one it saved last (consistency proof), that the new
// entries chain on from the saved head, and that all entries it has seen give the signed root. State in DIR: the pinned key,
// the last verified checkpoint and every entry hash seen (6.5 MB per 100,000 entries), so nothing is taken on trust.
internal sealed class LedgerMonitor(HttpClient http, string stateDir, NoteVerifier? keyOverride, TextWriter output, TextWriter error)
{
    private const int PageSize = 10_000;

    private string KeyPath => Path.Combine(stateDir, "key");

    private string CheckpointPath => Path.Combine(stateDir, "checkpoint");

    private string HashesPath => Path.Combine(stateDir, "hashes");

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await CheckAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            error.WriteLine($"monitor: cannot read {http.BaseAddress}: {e.Message}");
            return 2;
        }
        catch (TaskCanceledException e)
        {
            error.WriteLine($"monitor: {http.BaseAddress} did not answer in time: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            error.WriteLine($"monitor: state in {stateDir}: {e.Message}");
            return 2;
        }
    }

    private async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(stateDir);
        var served = (await http.GetStringAsync(new Uri("api/v1/ledger/key", UriKind.Relative), cancellationToken)).Trim();
        var pinnedText = keyOverride?.ToString() ?? (File.Exists(KeyPath) ? (await File.ReadAllTextAsync(KeyPath, cancellationToken)).Trim() : served);
        if (!NoteVerifier.TryParse(pinnedText, out var pinned) || pinned is null)
        {
            return Fail($"the key {pinnedText} is not a signed-note verifier key");
        }
        // A key change is what a witness exists to notice: it is accepted only when the log records it and every handover from
        // the pinned key was signed by the key before it (a rotation); it is always reported.
        List<Handover> handovers = [];
        if (served != pinnedText)
        {
            var changed = $"it now publishes the key {served}, but the pinned key is {pinnedText}.";
            var (chain, problem) = keyOverride is null ? await HandoversAsync(pinnedText, served, cancellationToken) : ([], "");
            if (problem is not null)
            {
                return Fail($"KEY CHANGED: {changed} {problem}If the operator announced the new key, run again with --key NEWKEY");
            }
            handovers = chain;
            if (!NoteVerifier.TryParse(served, out pinned) || pinned is null)
            {
                return Fail($"the key {served} is not a signed-note verifier key");
            }
            pinnedText = served;
        }

        var note = await http.GetStringAsync(new Uri("api/v1/ledger/checkpoint", UriKind.Relative), cancellationToken);
        if (SignedCheckpoint.Open(note, pinned) is not { } signed)
        {
            var claimed = SignedCheckpoint.ReadUnverified(note);
            return Fail($"the checkpoint served (size {claimed?.Size}, root {claimed?.RootBase64}) does not verify with the pinned key {pinnedText}");
        }
        var now = signed.Checkpoint;
        var (saved, hashes) = await ReadStateAsync(cancellationToken);
        var before = saved?.Size ?? 0;
        if (saved is not null && now.Size < saved.Size)
        {
            return Fail($"the log was truncated: it now signs size {now.Size} (root {now.RootBase64}), but it signed size {saved.Size} " +
                $"(root {saved.RootBase64}) before");
        }
        if (saved is not null && now.Size == saved.Size && now.RootBase64 != saved.RootBase64)
        {
            return Fail($"the log forked: two different roots signed for size {now.Size}: {saved.RootBase64} (saved) and {now.RootBase64} (now)");
        }
        if (saved is not null && now.Size > saved.Size && !await ConsistentAsync(saved, now, cancellationToken))
        {
            return Fail($"the log at size {now.Size} (root {now.RootBase64}) does not extend the checkpoint saved at size {saved.Size} " +
                $"(root {saved.RootBase64}): the consistency proof fails (history was rewritten or forked)");
        }

        var added = new List<string>();
        var keyEntries = new Dictionary<long, LedgerEntry>();
        var head = hashes.Count > 0 ? hashes[^1] : LedgerEntry.GenesisHash;
        await foreach (var entry in NewEntriesAsync(before, now.Size, cancellationToken))
        {
            var expectedSeq = before + added.Count + 1;
            var problem = entry.Seq != expectedSeq ? $"the server sent entry {entry.Seq} where {expectedSeq} was due"
                : entry.PrevHash != head ? $"entry {entry.Seq} ({entry.Id}): prev_hash {entry.PrevHash} is not entry {entry.Seq - 1}'s hash {head}"
                : CommandLine.EntryProblem(entry) is { } entryProblem ? $"entry {entry.Seq} ({entry.Id}): {entryProblem}"
                : null;
            if (problem is not null)
            {
                return Fail(problem);
            }
            added.Add(entry.Hash);
            head = entry.Hash;
            if (entry.Kind == History.EntryKinds.KeyAdded)
            {
                keyEntries[entry.Seq] = entry;
            }
        }
        if (before + added.Count != now.Size)
        {
            return Fail($"the checkpoint signs {now.Size} entries but the server served only {before + added.Count}");
        }
        var tree = new MerkleTree();
        foreach (var hash in hashes.Concat(added))
        {
            tree.Append(Convert.FromHexString(hash));
        }
        var root = Convert.ToBase64String(tree.Root(now.Size));
        if (root != now.RootBase64)
        {
            return Fail($"the entries served give the root {root} at size {now.Size}, but the checkpoint signs {now.RootBase64}");
        }

        foreach (var handover in handovers)
        {
            if (HandoverProblem(handover, before, tree, keyEntries) is { } problem)
            {
                return Fail($"KEY CHANGED: {problem}");
            }
        }

        await SaveStateAsync(pinnedText, note, hashes, added, cancellationToken);
        foreach (var handover in handovers)
        {
            error.WriteLine($"KEY CHANGED: {http.BaseAddress} replaced the key {handover.From} by {handover.To} at tree size " +
                $"{handover.Size} (entry {handover.Size}, log.key_added, reason rotated); the checkpoint of that size is signed by " +
                "both keys and extends the history this witness saved. The new key is pinned now.");
        }
        output.WriteLine($"OK: size {before} → {now.Size} consistent (root {now.RootBase64})");
        return 0;
    }

    private sealed record Handover(string From, string To, long Size, Checkpoint Checkpoint);

    // The chain of recorded key changes from the pinned key to the served one (GET /api/v1/ledger/keys), each handover checkpoint
    // signed by the key before and the key after; a problem (ending in a space) when the change cannot be proven.
    private async Task<(List<Handover> Chain, string? Problem)> HandoversAsync(string pinned, string served, CancellationToken cancellationToken)
    {
        List<(string? Key, string Reason, long? From, long? Entry)> keys;
        try
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/v1/ledger/keys", UriKind.Relative), cancellationToken));
            keys = [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(k => (
                k.GetProperty("verifier_key").GetString(), k.GetProperty("reason").GetString() ?? "",
                k.GetProperty("from_size").ValueKind == JsonValueKind.Number ? k.GetProperty("from_size").GetInt64() : (long?)null,
                k.GetProperty("recorded_in_entry").ValueKind == JsonValueKind.Number ? k.GetProperty("recorded_in_entry").GetInt64() : (long?)null))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or HttpRequestException)
        {
            return ([], $"The log lists no key changes (GET api/v1/ledger/keys: {e.Message}), so the change cannot be checked. ");
        }
        var from = keys.FindIndex(k => k.Key == pinned);
        var to = keys.FindIndex(k => k.Key == served);
        if (to < 0 || to <= from || from < 0)
        {
            return ([], to < 0 ? "The log does not record the new key as added (no log.key_added entry names it). "
                : "The log does not record it as replacing the pinned key. ");
        }
        var chain = new List<Handover>();
        for (var i = from + 1; i <= to; i++)
        {
            var (key, reason, size, entry) = keys[i];
            if (reason != "rotated" || size is not { } at)
            {
                return ([], $"The log records that {key} replaced {keys[i - 1].Key} at tree size {size} (entry {entry}, " +
                    $"log.key_added, reason {reason}): the pinned key did not sign that handover, so it cannot be proven. ");
            }
            var page = await http.GetStringAsync(new Uri($"api/v1/ledger/checkpoints?after={at - 1}&limit=1", UriKind.Relative), cancellationToken);
            using var document = JsonDocument.Parse(page);
            var note = document.RootElement.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("note").GetString()).FirstOrDefault();
            if (note is null || !NoteVerifier.TryParse(keys[i - 1].Key ?? "", out var before) || before is null ||
                !NoteVerifier.TryParse(key ?? "", out var after) || after is null || SignedCheckpoint.Open(note, before) is not { } byOld ||
                SignedCheckpoint.Open(note, after) is null || byOld.Size != at)
            {
                return ([], $"The handover checkpoint of size {at} is not signed by both {keys[i - 1].Key} and {key}. ");
            }
            chain.Add(new Handover(keys[i - 1].Key!, key!, at, byOld.Checkpoint));
        }
        return (chain, null);
    }

    // A handover counts only inside the history this run verified: its root is the verified tree's at its size, and the entry
    // at that size is the log.key_added that names the new key.
    private static string? HandoverProblem(Handover handover, long before, MerkleTree tree, Dictionary<long, LedgerEntry> keyEntries)
    {
        if (handover.Size <= before || handover.Size > tree.Size)
        {
            return $"the handover to {handover.To} at size {handover.Size} is not among the entries this run checked";
        }
        if (Convert.ToBase64String(tree.Root(handover.Size)) != handover.Checkpoint.RootBase64)
        {
            return $"the handover checkpoint of size {handover.Size} signs the root {handover.Checkpoint.RootBase64}, which is not the " +
                "verified history's root at that size";
        }
        if (!keyEntries.TryGetValue(handover.Size, out var entry) ||
            History.PayloadJson.Deserialize(entry.Kind, entry.Payload) is not History.KeyAdded { } added ||
            added.VerifierKey != handover.To || added.Replaces != handover.From)
        {
            return $"entry {handover.Size} is not the log.key_added entry that names {handover.To} as replacing {handover.From}";
        }
        return null;
    }

    private int Fail(string message)
    {
        error.WriteLine($"FAILED: {http.BaseAddress}: {message}");
        return 1;
    }

    private async Task<bool> ConsistentAsync(Checkpoint saved, Checkpoint now, CancellationToken cancellationToken)
    {
        var uri = new Uri($"api/v1/ledger/proof/consistency?from={saved.Size}&to={now.Size}", UriKind.Relative);
        using var response = await http.GetAsync(uri, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var proof = JsonDocument.Parse(text);
            var hashes = proof.RootElement.GetProperty("hashes").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            return MerkleProofs.VerifyConsistency(saved.Size, saved.Root, now.Size, now.Root, hashes);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
        {
            return false;
        }
    }

    // The entries after `after`, up to the checkpoint's size, page by page (a later append may be served too: ignored).
    private async IAsyncEnumerable<LedgerEntry> NewEntriesAsync(long after, long size,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var next = after; next < size;)
        {
            var uri = new Uri($"api/v1/ledger?after={next}&limit={Math.Min(PageSize, size - next)}", UriKind.Relative);
            var text = await http.GetStringAsync(uri, cancellationToken);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length == 0)
            {
                yield break;
            }
            foreach (var line in lines)
            {
                LedgerEntry entry;
                try
                {
                    entry = LedgerLine.Parse(line).ToEntry();
                }
                catch (JsonException)
                {
                    entry = new LedgerEntry(next + 1, "?", DateTimeOffset.MinValue, "", "", "", "", null, "unreadable line", "");
                }
                if (entry.Seq > size)
                {
                    yield break;
                }
                yield return entry;
                next = entry.Seq;
            }
        }
    }

    private async Task<(Checkpoint? Saved, List<string> Hashes)> ReadStateAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(CheckpointPath))
        {
            return (null, []);
        }
        var saved = SignedCheckpoint.ReadUnverified(await File.ReadAllTextAsync(CheckpointPath, cancellationToken))
            ?? throw new IOException($"{CheckpointPath} is not a checkpoint; remove the state folder to start over");
        var hashes = File.Exists(HashesPath) ? (await File.ReadAllLinesAsync(HashesPath, cancellationToken)).Where(l => l.Length > 0).ToList() : [];
        if (hashes.Count < saved.Size)
        {
            throw new IOException($"{HashesPath} holds {hashes.Count} hashes but the saved checkpoint is for size {saved.Size}");
        }
        // Hashes beyond the saved size were written by a run that stopped before saving its checkpoint.
        return (saved, hashes.GetRange(0, (int)saved.Size));
    }

    // Hashes first, the checkpoint last (each replaced atomically): a run cut short leaves the previous state valid.
    private async Task SaveStateAsync(string key, string note, List<string> saved, List<string> added, CancellationToken cancellationToken)
    {
        if (!File.Exists(KeyPath) || (await File.ReadAllTextAsync(KeyPath, cancellationToken)).Trim() != key)
        {
            await WriteAtomicallyAsync(KeyPath, key + "\n", cancellationToken);
        }
        if (added.Count > 0)
        {
            var all = new StringBuilder();
            foreach (var hash in saved.Concat(added))
            {
                all.Append(hash).Append('\n');
            }
            await WriteAtomicallyAsync(HashesPath, all.ToString(), cancellationToken);
        }
        await WriteAtomicallyAsync(CheckpointPath, note, cancellationToken);
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temporary = path + ".new";
        await File.WriteAllTextAsync(temporary, text, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
