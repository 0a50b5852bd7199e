using Microsoft.Extensions.Options;
using StatusPage.Server.History;
using StatusPage.Server.Content;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Startup;

// Replays and verifies the ledger, appends what content/ adds, runs the other start-up steps, then marks the server ready.
// All of it runs while the server already listens (answering 503 until ready); a lock error still stops start-up at once,
// because the store takes its lock when it is created, before StartAsync. A failure later stops the server.
internal sealed partial class LedgerStartup(LedgerService ledger, LedgerStore store, ContentIngestor ingestor,
    IEnumerable<IStartupStep> steps, LedgerReadiness readiness, IOptions<StatusPageOptions> options, IHostEnvironment environment,
    IHostApplicationLifetime lifetime, IEnumerable<IBackgroundVerificationProbe> probes, ILogger<LedgerStartup> logger)
    : IHostedLifecycleService
{
    // A snapshot costs about one full serialization of the read model; a restart replays at most this many entries after it.
    private const long SnapshotEvery = 1_000;

    private Task _startup = Task.CompletedTask;
    // Where start-up is, for the log line of a stop that has to wait for it.
    private volatile string _stage = "not started";

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Once the server listens (every StartAsync has run): the replay then has both cores to itself. Sharing them with the web
    // server's own start-up made neither faster (bench/README.md, third round).
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _startup = Task.Run(() => ReplayAndPrepareAsync(lifetime.ApplicationStopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task ReplayAndPrepareAsync(CancellationToken stopping)
    {
        try
        {
            // With a read-model snapshot (StatusPage:ReadModelSnapshot), history is served from it at once while the whole chain
            // is verified in the background; the pages say so until it is done (History/LedgerService.Snapshot.cs).
            _stage = "loading the ledger";
            var snapshots = options.Value.ReadModelSnapshot;
            if (snapshots)
            {
                ledger.SnapshotEvery = SnapshotEvery;
                ledger.VerificationProbe = probes.FirstOrDefault();
                await ledger.LoadPreferringSnapshotAsync(stopping).ConfigureAwait(false);
            }
            else
            {
                ledger.Load(stopping);
            }
            _stage = "ingesting content and running start-up steps";
            var contentPath = options.Value.Resolve(environment.ContentRootPath).ContentPath;
            await ingestor.IngestAsync(contentPath, stopping).ConfigureAwait(false);
            foreach (var step in steps)
            {
                await step.RunAsync(stopping).ConfigureAwait(false);
            }
            readiness.MarkReady();
            _stage = "verifying in the background";
            // After a start from a snapshot the chain is still being verified; a stop cancels that (it stays unverified).
            await ledger.Verification.ConfigureAwait(false);
            if (ledger.VerificationRunning)
            {
                readiness.MarkStopped();
                return;
            }
            readiness.MarkVerified();
            _stage = "returning the replay's memory";
            LedgerService.ReturnReplayMemory();
            if (snapshots)
            {
                // The next start replays only what is appended after this; a stop meanwhile waits for it (StopAsync): a
                // second or two at 100,000 entries, and the next start is the faster for it.
                _stage = "saving the read-model snapshot";
                await ledger.SaveSnapshotAsync(CancellationToken.None).ConfigureAwait(false);
            }
            _stage = "done";
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            readiness.MarkStopped();
        }
#pragma warning disable CA1031 // Whatever failed, the server must not stay up answering "starting" for ever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogStartFailed(logger, e);
            readiness.MarkFailed(e);
            lifetime.StopApplication();
        }
    }

    // Close the data file (and release its lock) as soon as the host stops, not whenever the container is disposed; a
    // replay still running reads through connections of its own, so it is awaited first.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_startup.IsCompleted)
            {
                LogStopWaits(logger, _stage);
            }
            await _startup.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop timeout passed: the store is closed anyway (a start-up still running then fails on it), and the
            // stage is logged, because a start-up that ignores the stop is a defect to find (issue 15, the snapshot start).
            LogStopGaveUp(logger, _stage);
        }
        finally
        {
            store.Dispose();
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: waiting for start-up to end ({Stage})")]
    private static partial void LogStopWaits(ILogger logger, string stage);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up failed; the server stops")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped before start-up ended (stage: {Stage}): it did not observe the stop")]
    private static partial void LogStopGaveUp(ILogger logger, string stage);
}
