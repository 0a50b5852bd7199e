namespace StatusPage.Server.Startup;

// The server listens while it replays and verifies the ledger (seconds, for a long history). Until that and every start-up
// step are done, requests get a 503 that says so (StartingUpMiddleware.cs), and background work awaits Ready.
public sealed class LedgerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(Exception failure) => _ready.TrySetException(failure);

    // Stopped before it was ready (SIGTERM during the replay): not a failure, so the process still exits 0.
    internal void MarkStopped() => _ready.TrySetCanceled();
}

// Work that must see the replayed ledger and the ingested content, and finish before the first request is served (the
// first-start operator). Steps run in the order they were registered.
internal interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}
