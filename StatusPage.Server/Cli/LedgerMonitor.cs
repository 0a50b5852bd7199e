using System.Text;
using System.Text.Json;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Cli;

// `monitor URL --state DIR`: a customer's witness of a status page's log, run from cron. It pins the log's key on first run,
// and each run checks that the newly signed checkpoint extends the one it saved last (consistency proof), that the new
// entries chain on from the saved head, and that all entries it has seen give the signed root. State in DIR: the pinned key,
// the last verified checkpoint and every entry hash seen (6.5 MB per 100,000 entries), so nothing is taken on trust.
public sealed class LedgerMonitor(HttpClient http, string stateDir, NoteVerifier? keyOverride, TextWriter output, TextWriter error)
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
        if (served != pinnedText)
        {
            return Fail($"{http.BaseAddress} now publishes the key {served}, but the pinned key is {pinnedText}. If the operator " +
                "announced a new key, run again with --key NEWKEY");
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

        await SaveStateAsync(pinnedText, note, hashes, added, cancellationToken);
        output.WriteLine($"OK: size {before} → {now.Size} consistent (root {now.RootBase64})");
        return 0;
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
