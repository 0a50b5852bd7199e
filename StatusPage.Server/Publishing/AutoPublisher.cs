using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.StaticExport;
using StatusPage.Server.Startup;

namespace StatusPage.Server.Publishing;

// StatusPage:Publish:Automatic: after appends, export the site (incrementally, into ExportPath) and publish it. The ledger is the
// outbox and PublishStateStore the cursor: whenever the published head is behind the ledger's, a publish runs, also right after a
// restart. Appends during a publish (or the Delay after one) are coalesced into the next publish. With the head unchanged it
// publishes again every Refresh (counted from the last publish, stored with the cursor), so pages that move with the clock do
// not age in the bucket; the incremental export and the bucket's manifest keep that to the changed objects. Runs beside the
// write path, which only completes NextAppend: a slow or failing bucket never holds up a write. Failures retry with backoff, for ever.
// Without a Bucket the same loop only keeps the export folder current (for a web server that serves the folder itself).
internal sealed partial class AutoPublisher(IServiceProvider services, LedgerService ledger, LedgerStore store, PublishStateStore state, LedgerReadiness readiness,
    IServer server, IHostApplicationLifetime lifetime, IOptions<PublishOptions> options, TimeProvider time, ILogger<AutoPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
            // Never a public bucket of pages saying "being verified" (a start from a read-model snapshot verifies in the background).
            await ledger.Verification.WaitAsync(stoppingToken);
            // Hosted services start before Kestrel binds: the export needs the address it listens on.
            await WhenStarted(lifetime).WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsReady)
        {
            return;
        }
        if (!Uploads)
        {
            LogExportOnly(logger, options.Value.ExportPathFor(store.DataPath));
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var appended = ledger.NextAppend;
            TimeSpan wait;
            try
            {
                var last = state.Last();
                var upToDate = last is { } published && published.Head == ledger.Current.Head;
                wait = upToDate ? UntilRefresh(last!.Value.At) : TimeSpan.Zero;
                if (wait == TimeSpan.Zero)
                {
                    if (!upToDate)
                    {
                        // A burst of appends becomes one publish.
                        await Task.Delay(options.Value.Delay, time, stoppingToken);
                    }
                    await PublishAsync(stoppingToken);
                    failures = 0;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                wait = RetryWait(options.Value.FirstRetryDelay, failures);
                LogFailed(logger, failures, wait, e.Message, e is PublishException ? null : e);
                // Appends do not cut a retry wait short: the failing bucket is given its time.
                appended = Task.Delay(Timeout.Infinite, stoppingToken);
            }
            await WaitAsync(appended, wait, stoppingToken);
        }
    }

    // The head is read before the export: every page exported is at that head or newer, so the cursor never claims too much.
    private async Task PublishAsync(CancellationToken token)
    {
        var head = ledger.Current.Head;
        var directory = options.Value.ExportPathFor(store.DataPath);
        using var client = LoopbackSite.Client(server);
        var started = time.GetTimestamp();
        var exported = await new SiteExporter(client, directory, PageVersions.Of(services)).ExportAsync(token);
        var exportedAt = time.GetTimestamp();
        var exportMs = (long)time.GetElapsedTime(started, exportedAt).TotalMilliseconds;
        if (!Uploads)
        {
            state.Save(head, time.GetUtcNow());
            LogExported(logger, head.Seq, directory, exported.Rendered, exported.Written, exported.Deleted, exportMs, exported.Phases);
            return;
        }
        using var bucket = BucketClient.Open(options.Value);
        var result = await new SitePublisher(bucket, options.Value).PublishAsync(directory, token);
        state.Save(head, time.GetUtcNow());
        var uploadMs = (long)time.GetElapsedTime(exportedAt).TotalMilliseconds;
        LogPublished(logger, head.Seq, bucket.Name, result.Uploaded, result.Unchanged, result.Deleted, exported.Rendered, exported.Written,
            exportMs, uploadMs, exported.Phases);
    }

    // No bucket: the export folder alone is kept current (a web server on this machine serves it, or another tool ships it).
    private bool Uploads => !string.IsNullOrWhiteSpace(options.Value.Bucket);

    // How long until the pages that move with the clock are due again (Timeout.InfiniteTimeSpan: refresh is off).
    private TimeSpan UntilRefresh(DateTimeOffset publishedAt)
    {
        var refresh = options.Value.Refresh;
        if (refresh <= TimeSpan.Zero)
        {
            return Timeout.InfiniteTimeSpan;
        }
        var since = time.GetUtcNow() - publishedAt;
        // A clock set back: a whole interval from now rather than a wait that never ends.
        return since >= refresh ? TimeSpan.Zero : since < TimeSpan.Zero ? refresh : refresh - since;
    }

    private static Task WhenStarted(IHostApplicationLifetime lifetime)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task;
    }

    public static TimeSpan RetryWait(TimeSpan first, int failures) =>
        TimeSpan.FromTicks(Math.Min(first.Ticks * (1L << Math.Min(failures - 1, 20)), MaxRetryWait.Ticks));

    private async Task WaitAsync(Task appended, TimeSpan wait, CancellationToken stoppingToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            await Task.WhenAny(appended, Task.Delay(wait, time, stopWaiting.Token));
        }
        finally
        {
            await stopWaiting.CancelAsync();
        }
    }

    // The export's and the upload's times: the warm increment's cost, as an operator (and bench/export.sh) sees it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Published ledger head {Seq} to bucket {Bucket}: {Uploaded} uploaded, {Unchanged} " +
        "unchanged, {Deleted} deleted ({Rendered} rendered, {Written} export files written; export {ExportMs} ms, upload {UploadMs} ms: {Phases}).")]
    private static partial void LogPublished(ILogger logger, long seq, string bucket, int uploaded, int unchanged, int deleted, int rendered,
        int written, long exportMs, long uploadMs, string phases);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported ledger head {Seq} to {Directory}: {Rendered} rendered, {Written} files " +
        "written, {Deleted} deleted (export {ExportMs} ms: {Phases}).")]
    private static partial void LogExported(ILogger logger, long seq, string directory, int rendered, int written, int deleted, long exportMs,
        string phases);

    [LoggerMessage(Level = LogLevel.Warning, Message = "StatusPage:Publish:Bucket is not set: the automatic publish keeps the export folder " +
        "{Directory} current and uploads nothing.")]
    private static partial void LogExportOnly(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automatic publish failed ({Failures} in a row), retrying in {Wait}: {Reason}")]
    private static partial void LogFailed(ILogger logger, int failures, TimeSpan wait, string reason, Exception? exception);
}
