namespace StatusPage.Server.Startup;

// The server listens while it replays and verifies the ledger (seconds, for a long history). Until that and every start-up
// step are done, requests get a 503 that says so (StartingUpMiddleware.cs), and background work awaits Ready.
public sealed class LedgerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    private readonly TaskCompletionSource _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completes once the whole chain has been verified: with Ready after a full replay, some seconds after it after a start
    // from a read-model snapshot (StatusPage:ReadModelSnapshot), whose history is served unverified meanwhile. A verification
    // that failed completes it too, with the ledger read-only (LedgerService.Current.IsReadOnly). Senders of email and
    // webhooks await it, so nothing goes out on the strength of a history not yet checked. Canceled if the server stops first.
    public Task Verified => _verified.Task;

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkVerified() => _verified.TrySetResult();

    internal void MarkFailed(Exception failure)
    {
        _ready.TrySetException(failure);
        _verified.TrySetException(failure);
    }

    // Stopped before it was ready (SIGTERM during the replay): not a failure, so the process still exits 0.
    internal void MarkStopped()
    {
        _ready.TrySetCanceled();
        _verified.TrySetCanceled();
    }
}

// Work that must see the replayed ledger and the ingested content, and finish before the first request is served (the
// first-start operator). Steps run in the order they were registered.
internal interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
