using StatusPage.Client.Contracts;
using System.Collections.Immutable;
using System.Security.Cryptography;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.History;

public sealed record AppendResult(ImmutableArray<LedgerEntry> Entries, RuleViolation? Violation, StatusSnapshot Snapshot)
{
    public bool Succeeded => Violation is null;
}

// The one write path: decide against the current snapshot, commit to LiteDB with a signed checkpoint of the extended tree,
// then publish the next snapshot. One writer at a time.
public sealed partial class LedgerService(LedgerStore store, TimeProvider time, TransparencyLog transparency,
    ILogger<LedgerService> logger) : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private StatusSnapshot _current = StatusSnapshot.Empty;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set when a write failed: before the next one, the head on disk is read again (Resync).
    private bool _storageFailed;

    public StatusSnapshot Current => Volatile.Read(ref _current);

    // Completes after the next append is published: the webhook dispatcher sleeps on it instead of polling. Continuations run
    // asynchronously, so signalling costs the writer one allocation and never runs a waiter's code.
    public Task NextAppend => Volatile.Read(ref _appended).Task;

    public string DataPath => store.DataPath;

    public TransparencyLog Transparency => transparency;

    // Checks each entry's link in the chain, projects it and adds its leaf to the tree, up to the first problem; an entry that
    // cannot be read is a problem at its seq (unreadable says so). Used by the full replay and by the start from a snapshot.
    private ChainProblem? VerifyAndProject(IEnumerable<LedgerEntry> entries, ChainVerifier verifier, SnapshotBuilder builder,
        out bool unreadable, CancellationToken stopping = default)
    {
        unreadable = false;
        try
        {
            foreach (var hashed in entries.Select(HashedEntry.Of))
            {
                // A stop during the replay ends it (nothing is published): at 100,000 entries under load it lasts longer
                // than the host's stop timeout.
                stopping.ThrowIfCancellationRequested();
                if (verifier.Check(hashed, out var payload) is { } problem)
                {
                    return problem;
                }
                Projection.Apply(builder, hashed.Entry, payload!);
                transparency.AddLeaf(hashed.Entry.Hash);
            }
            return null;
        }
        catch (UnreadableEntryException e)
        {
            unreadable = true;
            return new ChainProblem(e.Seq, "?", e.Message);
        }
    }

    // Replays and verifies the whole chain. On a bad entry, keeps the verified prefix and turns read-only. A stop (stopping)
    // ends it with OperationCanceledException and publishes nothing.
    public void Load(CancellationToken stopping = default)
    {
        LogReplaying(logger, store.DataPath);
        var started = time.GetTimestamp();
        var gcPausedBefore = GC.GetTotalPauseDuration();
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var verifier = new ChainVerifier();
        var replay = new SnapshotBuilder(StatusSnapshot.Empty);
        // LiteDB is read on a thread of its own while this one hashes, checks and projects: start-up takes the longer of the two.
        // Hashing sits on this side because reading alone is the slower half (measured, bench/README.md).
        var problem = VerifyAndProject(ReadAhead.Of(store.ReplayAll()), verifier, replay, out var unreadable, stopping);
        if (unreadable)
        {
            // A corrupt data file: serve what was read and verified before it, read-only, like a chain that fails verification.
            store.MarkDamaged();
        }
        var snapshot = replay.ToSnapshot();
        problem ??= verifier.Finish();
        var contradiction = problem is null ? CheckAgainstLatestCheckpoint() : null;
        if (problem is not null)
        {
            LogVerificationFailed(logger, problem, verifier.Head.Seq);
            snapshot = snapshot with { IntegrityProblem = $"The ledger failed verification at {problem}." };
        }
        else if (contradiction is not null)
        {
            LogCheckpointContradicted(logger, contradiction);
            snapshot = snapshot with { IntegrityProblem = $"The ledger contradicts this server's own signed checkpoint: {contradiction}." };
        }
        else
        {
            // Start-up time is budgeted (bench/README.md): the log says where it went.
            var elapsed = time.GetElapsedTime(started);
            var gcPaused = GC.GetTotalPauseDuration() - gcPausedBefore;
            var jit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
            LogVerified(logger, verifier.Count, elapsed.TotalMilliseconds, gcPaused.TotalMilliseconds, jit.TotalMilliseconds, verifier.Head.Hash);
        }
        Volatile.Write(ref _current, snapshot);
    }

    // The latest checkpoint this server signed must still hold: same root at its size, and no fewer entries.
    private string? CheckAgainstLatestCheckpoint()
    {
        if (store.LatestCheckpoint() is not { } latest)
        {
            return null;
        }
        if (transparency.Contradiction(latest.Note) is { } contradiction)
        {
            return contradiction;
        }
        // Published only if today's key signed it: after a key change the start-up step countersigns it first.
        if (SignedCheckpoint.Open(latest.Note, transparency.Verifier) is { } checkpoint && checkpoint.Size == transparency.Tree.Size)
        {
            transparency.Publish(checkpoint);
        }
        return null;
    }

    // After start-up (and content ingestion): a ledger written before checkpoints existed, or whose newest entries were
    // imported, gets its checkpoint now, so the head is always signed. Nothing is signed over a history that failed.
    public async Task SignHeadIfUnsignedAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current.IsReadOnly)
            {
                return;
            }
            RecordKeyChangeAtStart();
            if (transparency.Tree.Size == 0 || transparency.Latest?.Size == transparency.Tree.Size)
            {
                return;
            }
            if (store.CheckpointAt(transparency.Tree.Size) is not null)
            {
                // Signed by a key that is not ours and not recorded: never sign a second note for a size already signed.
                return;
            }
            var checkpoint = transparency.Sign();
            store.SaveCheckpoint(checkpoint.Size, checkpoint.Note);
            transparency.Publish(checkpoint);
        }
        catch (StorageUnavailableException e)
        {
            // Reads go on; the first write that reaches the disk signs the head with its entries.
            LogStorageUnavailable(logger, e);
        }
        finally
        {
            _writer.Release();
        }
    }

    // At start: finish a key replacement a crash interrupted, and record a key the ledger does not know (the key file was lost
    // or replaced by hand) as a log.key_added entry, reason lost. The first key of a log needs no entry (docs/LEDGER.md §5).
    private void RecordKeyChangeAtStart()
    {
        var keyFile = transparency.KeyFile;
        var keys = Current.Keys;
        if (keyFile.Staged() is { } staged)
        {
            if (keys.Latest?.VerifierKey == staged.Verifier.ToString())
            {
                keyFile.CommitStaged(staged);
            }
            else
            {
                staged.Dispose();
                keyFile.DiscardStaged();
            }
        }
        var current = transparency.Verifier.ToString();
        if (keys.Latest?.VerifierKey != current)
        {
            if (keys.Recorded.Any(k => k.VerifierKey == current || k.Replaces == current))
            {
                throw new InvalidOperationException($"The signing key file {keyFile.Path} holds the key {current}, which the ledger " +
                    $"records as replaced by {keys.Latest!.VerifierKey}: restore that key's file, or run 'rotate-key --reason lost'.");
            }
            var latest = store.LatestCheckpoint();
            var signedByAnotherKey = latest is { } l && SignedCheckpoint.Open(l.Note, transparency.Verifier) is null;
            if (keys.Latest is not null || signedByAnotherKey)
            {
                var replaces = keys.Latest?.VerifierKey ?? RememberedKeyThatSigned(latest!.Value.Note);
                var result = Append(new AddSigningKey(current, KeyChangeReason.Lost, replaces), "start-up");
                if (result.Violation is { } violation)
                {
                    throw new InvalidOperationException($"The new signing key could not be recorded: {violation.Message}");
                }
                LogKeyLost(logger, replaces ?? "(unknown)", current, result.Entries[^1].Seq);
            }
        }
        if (!store.RememberedVerifierKeys().Contains(current))
        {
            store.RememberVerifierKey(current);
        }
    }

    private string? RememberedKeyThatSigned(string note) => store.RememberedVerifierKeys()
        .Select(k => NoteVerifier.TryParse(k, out var v) ? v : null)
        .FirstOrDefault(v => v is not null && v.Open(note) is not null)?.ToString();

    // Replaces the signing key by a new one, recorded as a log.key_added entry whose checkpoint the new key signs, and the old
    // key too when the reason is a rotation (so the handover is provable with the old key). The old key file is kept aside.
    public async Task<AppendResult> ReplaceKeyAsync(KeyChangeReason reason, string author, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var keyFile = transparency.KeyFile;
            var old = transparency.Verifier.ToString();
            var next = keyFile.StageNext();
            var result = Append(new AddSigningKey(next.Verifier.ToString(), reason, old), author, null,
                new KeyHandover(next, OldKeySigns: reason == KeyChangeReason.Rotated));
            if (!result.Succeeded)
            {
                keyFile.DiscardStaged();
                next.Dispose();
                return result;
            }
            keyFile.CommitStaged(next);
            store.RememberVerifierKey(next.Verifier.ToString());
            LogKeyReplaced(logger, old, next.Verifier.ToString(), reason, result.Entries[^1].Seq);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    private sealed record KeyHandover(NoteSigner Next, bool OldKeySigns);

    // The replay allocates several times the read model's size: one compacting collection gives the freed regions back to the
    // OS at once instead of over hours. The server calls it once it answers (Content/ContentSetup.cs), off the start-up path.
    public static void ReturnReplayMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    public async Task<AppendResult> AppendAsync(HistoryCommand command, string author, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Append(command, author);
        }
        finally
        {
            _writer.Release();
            SaveSnapshotIfDue();
        }
    }

    // As above, plus one entry derived from the sealed entries (an idempotency record), committed in the same transaction.
    public async Task<AppendResult> AppendAsync(HistoryCommand command, string author,
        Func<ImmutableArray<LedgerEntry>, PendingEntry> trailer, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Append(command, author, trailer);
        }
        finally
        {
            _writer.Release();
            SaveSnapshotIfDue();
        }
    }

    private AppendResult Append(HistoryCommand command, string author, Func<ImmutableArray<LedgerEntry>, PendingEntry>? trailer = null,
        KeyHandover? handover = null)
    {
        if (_storageFailed && Resync() is { } unavailable)
        {
            return new([], unavailable, Current);
        }
        var state = Current;
        if (state.IsReadOnly)
        {
            return new([], Checks.Violation(RuleCatalogue.LedgerReadOnly, "", state.IntegrityProblem!), state);
        }
        var now = LedgerEntry.TruncateToMilliseconds(time.GetUtcNow());
        var decision = Rules.Decide(state, command, now);
        if (decision.Violation is not null || decision.Entries.IsEmpty)
        {
            return new([], decision.Violation, state);
        }
        var entries = Seal(state.Head, decision.Entries, author, now);
        if (trailer is not null)
        {
            entries = entries.AddRange(Seal(new LedgerHead(entries[^1].Seq, entries[^1].Hash), [trailer(entries)], author, now));
        }
        var erased = decision.Entries.Select(e => e.Payload).OfType<Redacted>().Select(r => r.Redacts).ToList();
        var sizeBefore = transparency.Tree.Size;
        SignedCheckpoint checkpoint;
        try
        {
            foreach (var entry in entries)
            {
                transparency.AddLeaf(entry.Hash);
            }
            checkpoint = handover is null ? transparency.Sign() : transparency.SignHandover(handover.Next, handover.OldKeySigns);
            store.Append(entries, erased, (checkpoint.Size, checkpoint.Note));
        }
        catch (StorageUnavailableException e)
        {
            // Not acknowledged: the read model and the tree stay where they were. The commit may still have reached the disk
            // before the failure was seen, so the disk is read again now: if it holds these entries, the write succeeded.
            transparency.Tree.Truncate(sizeBefore);
            _storageFailed = true;
            LogStorageUnavailable(logger, e);
            var resynced = Resync();
            if (resynced is null && Current.Head.Seq == entries[^1].Seq && Current.Head.Hash == entries[^1].Hash)
            {
                return new(entries, null, Current);
            }
            return new([], resynced is { Kind: RuleKind.ReadOnly } ? resynced : StorageUnavailable(), Current);
        }
        catch
        {
            transparency.Tree.Truncate(sizeBefore);
            throw;
        }
        transparency.Publish(checkpoint);
        return Publish(state, entries);
    }

    // After a failed write, the store has reopened the data file: it must end exactly at our head (the failed transaction
    // dropped), or continue it (the write did reach the disk before the failure was seen); those entries are published then.
    private RuleViolation? Resync()
    {
        var state = Current;
        List<LedgerEntry> written;
        SignedCheckpoint? writtenCheckpoint;
        try
        {
            var head = store.ReadHead();
            written = head.Seq > state.Head.Seq ? [.. store.ReadAll(state.Head.Seq)] : [];
            writtenCheckpoint = written.Count > 0 ? ReadCheckpoint(head.Seq) : null;
            if (head.Seq < state.Head.Seq || (head.Seq == state.Head.Seq && head.Hash != state.Head.Hash))
            {
                var problem = $"The data file no longer ends at entry {state.Head.Seq} after a failed write (it ends at {head.Seq}).";
                LogResyncFailed(logger, problem);
                Volatile.Write(ref _current, state with { IntegrityProblem = problem });
                return Checks.Violation(RuleCatalogue.LedgerReadOnly, "", problem);
            }
        }
        catch (Exception e) when (e is IOException or LiteDB.LiteException or StorageUnavailableException)
        {
            LogStorageUnavailable(logger, e);
            return StorageUnavailable();
        }
        var previous = state.Head;
        foreach (var entry in written)
        {
            if (entry.Seq != previous.Seq + 1 || entry.PrevHash != previous.Hash || !HashedEntry.Of(entry).HashMatches)
            {
                var problem = $"Entry {entry.Seq} found on disk after a failed write does not continue the chain.";
                LogResyncFailed(logger, problem);
                Volatile.Write(ref _current, state with { IntegrityProblem = problem });
                return Checks.Violation(RuleCatalogue.LedgerReadOnly, "", problem);
            }
            previous = new LedgerHead(entry.Seq, entry.Hash);
        }
        if (written.Count > 0)
        {
            // The checkpoint was committed in the same transaction as these entries: it is on disk if they are.
            if (writtenCheckpoint is not { } checkpoint || checkpoint.Size != previous.Seq)
            {
                var problem = $"Entries {state.Head.Seq + 1}–{previous.Seq} found on disk after a failed write carry no signed checkpoint.";
                LogResyncFailed(logger, problem);
                Volatile.Write(ref _current, state with { IntegrityProblem = problem });
                return Checks.Violation(RuleCatalogue.LedgerReadOnly, "", problem);
            }
            foreach (var entry in written)
            {
                transparency.AddLeaf(entry.Hash);
            }
            transparency.Publish(checkpoint);
            Publish(state, [.. written]);
        }
        _storageFailed = false;
        return null;
    }

    private SignedCheckpoint? ReadCheckpoint(long size) =>
        store.CheckpointAt(size) is { } note && SignedCheckpoint.ReadUnverified(note) is { } checkpoint
            ? new SignedCheckpoint(checkpoint, note)
            : null;

    // The data file's path and the driver's message stay in the log: the answer is public-facing.
    private static RuleViolation StorageUnavailable() => Checks.Violation(RuleCatalogue.StorageUnavailable, "",
        "The update was not saved: the data file cannot be written right now. Nothing was recorded; " +
        "try again once the disk has space or works again.");

    private AppendResult Publish(StatusSnapshot state, ImmutableArray<LedgerEntry> entries)
    {
        var builder = new SnapshotBuilder(state);
        foreach (var entry in entries)
        {
            Projection.Apply(builder, entry);
        }
        var next = builder.ToSnapshot();
        SnapshotLineage.Record(state, next, entries);
        Volatile.Write(ref _current, next);
        Interlocked.Exchange(ref _appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return new(entries, null, next);
    }

    private static ImmutableArray<LedgerEntry> Seal(LedgerHead head, ImmutableArray<PendingEntry> pending, string author,
        DateTimeOffset now)
    {
        var sealedEntries = ImmutableArray.CreateBuilder<LedgerEntry>(pending.Length);
        foreach (var p in pending)
        {
            var seq = head.Seq + 1;
            var id = NewId();
            var payload = PayloadJson.Serialize(p.Payload);
            var hash = LedgerEntry.ComputeHash(seq, id, now, p.Kind, p.Subject, author, payload, head.Hash);
            sealedEntries.Add(new LedgerEntry(seq, id, now, p.Kind, p.Subject, author, payload, p.Body, head.Hash, hash));
            head = new LedgerHead(seq, hash);
        }
        return sealedEntries.MoveToImmutable();
    }

    // 12 characters of base-32 (60 random bits), like Statuspage's ids.
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32.Of(bytes[i]);
        }
        return new string(chars);
    }

    public void Dispose() => _writer.Dispose();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Ledger verification failed at {Problem}. Serving the verified history " +
        "up to entry {Seq}, read-only; no writes are accepted. Run the 'verify' command for details.")]
    private static partial void LogVerificationFailed(ILogger logger, ChainProblem problem, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log's signing key {OldKey} is lost (its key file is missing or holds " +
        "another key): the new key {NewKey} is recorded as entry {Seq} (log.key_added, reason lost) and signs from there. Monitors " +
        "that pinned the old key will report it: publish the new key where your customers can check it.")]
    private static partial void LogKeyLost(ILogger logger, string oldKey, string newKey, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log's signing key {OldKey} was replaced by {NewKey} ({Reason}), recorded as " +
        "entry {Seq} (log.key_added). Publish the new key where your customers can check it.")]
    private static partial void LogKeyReplaced(ILogger logger, string oldKey, string newKey, KeyChangeReason reason, long seq);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The ledger contradicts this server's latest signed checkpoint: {Problem}. " +
        "Serving it read-only; no writes are accepted. Run the 'verify' command for details.")]
    private static partial void LogCheckpointContradicted(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "A write was refused: the data file cannot be written. Nothing was acknowledged; " +
        "writes resume by themselves once the disk accepts them again.")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "After a failed write the data file does not match the served history: {Problem} " +
        "The server is read-only now; run the 'verify' command.")]
    private static partial void LogResyncFailed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying and verifying the ledger in {Path}")]
    private static partial void LogReplaying(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Ledger verified: {Count} entries in {ElapsedMs:F0} ms (GC paused {GcPausedMs:F0} ms, JIT {JitMs:F0} ms), head {Hash}")]
    private static partial void LogVerified(ILogger logger, long count, double elapsedMs, double gcPausedMs, double jitMs, string hash);
}
