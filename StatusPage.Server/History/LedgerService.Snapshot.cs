using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.History;

// Start-up from a read-model snapshot (issue 15): serve at once from the snapshot plus the entries after it, verify the whole
// chain in the background, and say so on the pages until it is done. The ledger decides, never the snapshot: one whose head
// entry differs is discarded, and a chain or read model that fails the background check turns the server read-only, showing
// the verified prefix of the ledger, as a failed full replay does.
public sealed partial class LedgerService
{
    private volatile bool _verificationRunning;
    private Task _verification = Task.CompletedTask;

    // True from a start from a snapshot until the whole chain is verified: nothing may call the history verified meanwhile.
    public bool VerificationRunning => _verificationRunning;

    // Completes when the background verification has finished (at once after a full replay).
    public Task Verification => _verification;

    public bool StartedFromSnapshot { get; private set; }

    // Awaited at each point where the background verification checks for a stop (tests hold it there; none in production).
    internal IBackgroundVerificationProbe? VerificationProbe { get; set; }

    public string SnapshotPath => ReadModelSnapshot.PathBeside(store.DataPath);

    // From the snapshot if it matches the ledger, else the full replay (Load). The background verification stops when
    // stopping is cancelled (the history then stays "being verified", and no snapshot is saved from it).
    public async Task LoadPreferringSnapshotAsync(CancellationToken stopping)
    {
        if (!await TryLoadFromSnapshotAsync(stopping).ConfigureAwait(false))
        {
            Load(stopping);
        }
    }

    // After every this many entries appended, a new snapshot is written in the background (0: only when asked).
    public long SnapshotEvery { get; set; }

    private readonly Lock _snapshotFile = new();
    private long _snapshotSeq;
    private int _snapshotDue;

    // Saves the verified read model at the current head (after start-up, and every SnapshotEvery entries). Never a read-only
    // or unverified one: a start from it would serve what was never checked. The model is immutable, so only taking it and
    // the tree's leaves waits for the writer; the file is written while appends go on.
    public async Task SaveSnapshotAsync(CancellationToken cancellationToken = default)
    {
        StatusSnapshot state;
        byte[] leaves;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            state = Current;
            if (state.IsReadOnly || _verificationRunning || state.Head.Seq == 0 || transparency.Tree.Size != state.Head.Seq)
            {
                return;
            }
            leaves = transparency.Tree.LeafHashes();
        }
        finally
        {
            _writer.Release();
        }
        try
        {
            lock (_snapshotFile)
            {
                if (state.Head.Seq <= _snapshotSeq)
                {
                    return;
                }
                ReadModelSnapshot.Write(SnapshotPath, state, leaves);
                _snapshotSeq = state.Head.Seq;
            }
            LogSnapshotSaved(logger, state.Head.Seq, SnapshotPath);
        }
#pragma warning disable CA1031 // The snapshot only makes a start faster: whatever fails writing it, the server goes on and a later save tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogSnapshotNotSaved(logger, e);
        }
    }

    // The after-append hook: one background save at a time, once SnapshotEvery entries were appended since the last one.
    private void SaveSnapshotIfDue()
    {
        if (SnapshotEvery <= 0 || Current.Head.Seq - Volatile.Read(ref _snapshotSeq) < SnapshotEvery
            || Interlocked.Exchange(ref _snapshotDue, 1) == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await SaveSnapshotAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The server stopped meanwhile: the previous snapshot stays.
            }
            finally
            {
                Volatile.Write(ref _snapshotDue, 0);
            }
        });
    }

    private async Task<bool> TryLoadFromSnapshotAsync(CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        var saved = await ReadModelSnapshot.TryReadAsync(SnapshotPath, stopping).ConfigureAwait(false);
        var readMs = time.GetElapsedTime(started).TotalMilliseconds;
        if (saved is null)
        {
            return false;
        }
        // The ledger's entry at the snapshot's seq must be the one it was built at.
        var atHead = store.ReadEntry(saved.Seq);
        if (atHead is null || atHead.Seq != saved.Seq || atHead.Hash != saved.Hash)
        {
            LogSnapshotDiscarded(logger, saved.Seq, SnapshotPath);
            return false;
        }
        for (var offset = 0; offset < saved.Leaves.Length; offset += MerkleTree.HashSize)
        {
            transparency.Tree.AppendLeafHash(saved.Leaves.AsSpan(offset, MerkleTree.HashSize));
        }
        var tail = new SnapshotBuilder(saved.Model);
        var verifier = ChainVerifier.After(saved.Model.Head);
        var problem = VerifyAndProject(store.ReadAll(saved.Seq), verifier, tail, out _, stopping) ?? verifier.Finish();
        // A bad tail or a contradicted checkpoint: the full replay finds it again and reports it with the verified prefix.
        if (problem is not null || CheckAgainstLatestCheckpoint() is not null)
        {
            transparency.Tree.Truncate(0);
            return false;
        }
        var snapshot = tail.ToSnapshot();
        _snapshotSeq = saved.Seq;
        _verificationRunning = true;
        StartedFromSnapshot = true;
        Volatile.Write(ref _current, snapshot);
        var elapsed = time.GetElapsedTime(started);
        LogStartedFromSnapshot(logger, saved.Seq, snapshot.Head.Seq - saved.Seq, elapsed.TotalMilliseconds, readMs);
        // Only what the check needs: the leaves are in the tree now, and the model is kept for its comparison.
        var savedModel = saved.Model;
        _verification = Task.Run(() => VerifyAfterSnapshotStartAsync(savedModel, snapshot.Head, stopping), CancellationToken.None);
        return true;
    }

    // The whole chain up to the head served at start, the tree's root, and the read model at the snapshot's head rebuilt from
    // the entries, which must serialize exactly as the snapshot's did. It never holds a second read model: at the last entry
    // about an incident or maintenance before the snapshot's head (the snapshot's LastSeqBySubject), and every FlushEvery
    // entries for any other touched one, the replayed aggregate that already serializes as the snapshot's is replaced by the
    // snapshot's own instance (immutable, and equal in every stored field, so projecting onto it gives the same result), and
    // the replayed copy is dropped. The final comparison of the whole model still decides.
    private async Task VerifyAfterSnapshotStartAsync(StatusSnapshot saved, LedgerHead served, CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        var verifier = new ChainVerifier();
        var replay = new SnapshotBuilder(StatusSnapshot.Empty);
        var tree = new MerkleTree();
        var leaf = new byte[MerkleTree.HashSize];
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var young = new YoungCollections(ReadModelSnapshot.YoungBytes);
        ChainProblem? problem = null;
        string? mismatch = null;
        try
        {
            foreach (var hashed in ReadAhead.Of(store.ReadInSlices(0, served.Seq)).Select(HashedEntry.Of))
            {
                // Every entry, not only at each flush: under load a flush interval lasts seconds, and a stop must not wait.
                stopping.ThrowIfCancellationRequested();
                problem = verifier.Check(hashed, out var payload);
                if (problem is not null)
                {
                    break;
                }
                var seq = hashed.Entry.Seq;
                young.Tick();
                Projection.Apply(replay, hashed.Entry, payload!);
                Convert.FromHexString(hashed.Entry.Hash, leaf, out _, out _);
                tree.Append(leaf);
                if (seq > saved.Head.Seq)
                {
                    continue;
                }
                if (hashed.Entry.Subject is { } subject)
                {
                    // At its last entry before the snapshot's head an aggregate is final: shared now, its replayed copy dies young
                    // (at 100,000 entries the copies kept until a flush were what set the start's peak memory).
                    if (saved.LastSeqOf(subject) == seq)
                    {
                        ShareIfEqual(replay, saved, subject);
                        touched.Remove(subject);
                    }
                    else
                    {
                        touched.Add(subject);
                    }
                }
                if (seq % FlushEvery == 0 || seq == saved.Head.Seq)
                {
                    if (VerificationProbe is { } probe)
                    {
                        await probe.AtFlushAsync(seq, stopping).ConfigureAwait(false);
                    }
                    ShareWhatEquals(replay, saved, touched);
                    touched.Clear();
                    // The replayed copies just dropped were promoted by the young collections: free them before the next slice,
                    // and give the freed regions back to the OS at once (a forced collection left them committed: ~20 MB more).
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
                if (seq == saved.Head.Seq && !ReadModelSnapshot.SameModel(replay.ToSnapshot(), saved))
                {
                    mismatch = $"the read-model snapshot at entry {saved.Head.Seq} does not match the ledger";
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return; // the server stops: still unverified, and says so until the next start verifies it
        }
        catch (UnreadableEntryException e)
        {
            problem = new ChainProblem(e.Seq, "?", e.Message);
            store.MarkDamaged();
        }
#pragma warning disable CA1031 // Whatever failed, the history must not stay "being verified" for ever, nor be called verified.
        catch (Exception e)
#pragma warning restore CA1031
        {
            mismatch = $"the background verification stopped: {e.Message}";
        }
        problem ??= mismatch is null ? verifier.Finish() : null;
        if (problem is null && mismatch is null && verifier.Head != served)
        {
            mismatch = $"the ledger ends at entry {verifier.Head.Seq}, before the head {served.Seq} served at start";
        }
        if (problem is null && mismatch is null && !tree.Root(served.Seq).AsSpan().SequenceEqual(transparency.Tree.Root(served.Seq)))
        {
            mismatch = "the Merkle tree from the snapshot does not match the ledger's entries";
        }
        try
        {
            await _writer.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        try
        {
            if (problem is null && mismatch is null)
            {
                var elapsed = time.GetElapsedTime(started);
                LogBackgroundVerified(logger, verifier.Count, elapsed.TotalMilliseconds);
            }
            else
            {
                // As a failed full replay: the verified prefix, read-only, and the reason on every page.
                var reason = problem is not null ? $"The ledger failed verification at {problem}." : $"The ledger failed verification: {mismatch}.";
                LogBackgroundVerificationFailed(logger, reason);
                transparency.Tree.Truncate(verifier.Head.Seq);
                Volatile.Write(ref _current, replay.ToSnapshot() with { IntegrityProblem = reason });
                TryDelete(SnapshotPath);
            }
            _verificationRunning = false;
        }
        finally
        {
            _writer.Release();
        }
    }

    // Each touched incident or maintenance that already equals the snapshot's (same serialization) becomes that instance.
    private static void ShareWhatEquals(SnapshotBuilder replay, StatusSnapshot saved, HashSet<string> touched)
    {
        foreach (var subject in touched)
        {
            ShareIfEqual(replay, saved, subject);
        }
    }

    private static void ShareIfEqual(SnapshotBuilder replay, StatusSnapshot saved, string subject)
    {
        if (replay.Incidents.TryGetValue(subject, out var incident) && saved.Incidents.TryGetValue(subject, out var savedIncident)
            && !ReferenceEquals(incident, savedIncident) && ReadModelSnapshot.SameSerialization(incident, savedIncident))
        {
            replay.Incidents[subject] = savedIncident;
        }
        if (replay.Maintenances.TryGetValue(subject, out var maintenance) && saved.Maintenances.TryGetValue(subject, out var savedMaintenance)
            && !ReferenceEquals(maintenance, savedMaintenance) && ReadModelSnapshot.SameSerialization(maintenance, savedMaintenance))
        {
            replay.Maintenances[subject] = savedMaintenance;
        }
    }

    // Entries between two flushes of the background verification (each a full compacting collection, ~0.1 s at 100,000
    // entries). With aggregates shared at their last entry, the flushes free what young collections promoted: start-up peak
    // at 100,000 entries 2,500: 295 MB, verified in 6.0-6.5 s; 5,000: 299-300 MB, 5.0-5.2 s; 10,000: 308 MB, 4.1 s
    // (bench/README.md, fifteenth session). Before, 2,000 touched subjects: 334-355 MB.
    private const int FlushEvery = 2_500;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Harmless: a restart checks it again and a mismatching one fails the same check.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started from the read-model snapshot at entry {Seq} plus {Tail} later entries in {Ms:F0} ms (the file read in {ReadMs:F0} ms); verifying the whole chain in the background")]
    private static partial void LogStartedFromSnapshot(ILogger logger, long seq, long tail, double ms, double readMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Background verification: {Count} entries verified in {Ms:F0} ms")]
    private static partial void LogBackgroundVerified(ILogger logger, long count, double ms);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason} Serving the verified history read-only; no writes are accepted. Run the 'verify' command for details.")]
    private static partial void LogBackgroundVerificationFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read-model snapshot at entry {Seq} ({Path}) does not match the ledger's entry there: discarded, replaying the ledger")]
    private static partial void LogSnapshotDiscarded(ILogger logger, long seq, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read-model snapshot saved at entry {Seq} ({Path})")]
    private static partial void LogSnapshotSaved(ILogger logger, long seq, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The read-model snapshot could not be saved")]
    private static partial void LogSnapshotNotSaved(ILogger logger, Exception exception);
}

// Called by the background verification where it checks for a stop (LedgerService.VerificationProbe): tests hold it there
// to stop the server mid-verification.
internal interface IBackgroundVerificationProbe
{
    Task AtFlushAsync(long seq, CancellationToken stopping);
}
