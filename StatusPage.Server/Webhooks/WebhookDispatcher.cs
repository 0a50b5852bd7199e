using System.Globalization;
using Microsoft.Extensions.Options;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.Startup;

namespace StatusPage.Server.Webhooks;

// Hands out new ledger entries to each subscriber (past its cursor) and sends due deliveries. Wakes on every append, when the
// next retry is due, and on a fallback timer. State is stored before and after each attempt, so a restart resumes where it was.
internal sealed partial class WebhookDispatcher(LedgerService ledger, LedgerStore store, WebhookStore webhooks, LedgerReadiness readiness,
    SiteSettingsHolder site, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int HandOutBatch = 500;
    private const int ParallelSubscribers = 16;
    private readonly WebhookOptions _options = options.Value;
    private readonly HttpClient _http = CreateClient(options.Value);
    // Subscribers whose deliveries are being sent, each by a sender of its own: a slow receiver holds up only itself.
    private readonly HashSet<string> _busy = [];
    private readonly List<Task> _senders = [];
    private readonly SemaphoreSlim _slots = new(ParallelSubscribers, ParallelSubscribers);
    private TaskCompletionSource _senderDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Ready.WaitAsync(stoppingToken);
            // Nothing is handed out before the whole chain is verified (a start from a read-model snapshot verifies it after Ready).
            await ledger.Verification.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!readiness.IsReady)
        {
            // Start-up failed or was stopped: the server is stopping, and there is no ledger to hand out.
            return;
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before the round, so an append or a sender finishing during the round ends the wait below at once.
                var appended = ledger.NextAppend;
                var senderDone = Volatile.Read(ref _senderDone).Task;
                var wait = _options.PollInterval;
                try
                {
                    var moreToHandOut = HandOutNewEntries();
                    StartDueSenders(stoppingToken);
                    wait = moreToHandOut ? TimeSpan.Zero : UntilNextDue(wait);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // One bad round (disk, a bug) must not stop deliveries for good: log it and try again later.
                    LogRoundFailed(logger, e);
                }
                await WaitAsync(Task.WhenAny(appended, senderDone), wait, stoppingToken);
            }
        }
        finally
        {
            Task[] senders;
            lock (_busy)
            {
                senders = [.. _senders];
            }
            await Task.WhenAll(senders);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    // Returns true when a subscriber still has entries past this batch.
    private bool HandOutNewEntries()
    {
        var snapshot = ledger.Current;
        var head = snapshot.Head.Seq;
        var more = false;
        foreach (var subscriber in webhooks.ReadSubscribers().Where(s => s.Cursor < head))
        {
            var entries = store.ReadAll(subscriber.Cursor).TakeWhile(e => e.Seq <= head).Take(HandOutBatch).ToList();
            var cursor = entries.Count == HandOutBatch ? entries[^1].Seq : head;
            more |= cursor < head;
            var deliveries = WebhookOutbox.DeliveriesFor(snapshot, site.Current, subscriber, entries, time.GetUtcNow());
            webhooks.HandOut(subscriber.Id, cursor, deliveries);
        }
        return more;
    }

    // One sender per subscriber with due deliveries (at most ParallelSubscribers sending at once), each sending its own in ledger
    // order; this loop never waits for them, so an entry for a fast subscriber goes out while a slow one is still being tried.
    private void StartDueSenders(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = webhooks.PendingDeliveries().Where(d => d.NextAttemptAt <= now && !IsBusy(d.SubscriberId)).GroupBy(d => d.SubscriberId).ToList();
        if (due.Count == 0)
        {
            return;
        }
        var subscribers = webhooks.ReadSubscribers().ToDictionary(s => s.Id);
        foreach (var group in due)
        {
            if (!subscribers.TryGetValue(group.Key, out var subscriber))
            {
                continue;
            }
            lock (_busy)
            {
                _busy.Add(subscriber.Id);
                _senders.RemoveAll(t => t.IsCompleted);
                _senders.Add(Task.Run(() => SendInOrderAsync(subscriber, [.. group.OrderBy(d => d.EntrySeq)], cancellationToken),
                    CancellationToken.None));
            }
        }
    }

    private bool IsBusy(string subscriberId)
    {
        lock (_busy)
        {
            return _busy.Contains(subscriberId);
        }
    }

    private async Task SendInOrderAsync(WebhookSubscriber subscriber, List<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        try
        {
            await _slots.WaitAsync(cancellationToken);
            try
            {
                foreach (var delivery in deliveries)
                {
                    await AttemptAsync(subscriber, delivery, cancellationToken);
                }
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server stops; the delivery stays pending and is sent after the restart.
        }
        catch (Exception e)
        {
            LogRoundFailed(logger, e);
        }
        finally
        {
            lock (_busy)
            {
                _busy.Remove(subscriber.Id);
            }
            // Wake the loop: this subscriber may have more due by now.
            Interlocked.Exchange(ref _senderDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private async Task AttemptAsync(WebhookSubscriber subscriber, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempting(time.GetUtcNow(), _options.FirstRetryDelay, Random.Shared.NextDouble());
        if (!webhooks.SaveDelivery(attempt))
        {
            return; // the subscriber was removed meanwhile
        }
        // The filter was applied at hand-out; the payload is rebuilt from the current snapshot, so a redacted body is never resent.
        var payload = WebhookPayload.For(ledger.Current, site.Current, delivery.EntryId, delivery.Id, delivery.CreatedAt,
            checkpoint: ledger.Transparency.Latest);
        var (status, error) = payload is null
            ? (null, "The announced update is no longer in the history.")
            : await SendAsync(subscriber, delivery.Id, payload.ToUtf8Json(), cancellationToken);
        var now = time.GetUtcNow();
        var outcome = error is null
            ? attempt.Succeeded(now, status!.Value)
            : attempt.Failed(now, status, error, _options.FirstRetryDelay, Random.Shared.NextDouble());
        webhooks.SaveDelivery(outcome);
        if (outcome.State == DeliveryState.GaveUp)
        {
            LogGaveUp(logger, delivery.Id, subscriber.Id, outcome.Attempts, error!);
        }
    }

    // (status, null) after a 2xx; otherwise the status if any and why it failed.
    private async Task<(int? Status, string? Error)> SendAsync(WebhookSubscriber subscriber, string deliveryId, byte[] body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(subscriber.Secret, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader,
            time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (status, null) : (status, $"The receiver answered HTTP {status}.");
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {_options.RequestTimeout.TotalSeconds:0.#} s.");
        }
    }

    private TimeSpan UntilNextDue(TimeSpan longest)
    {
        // A busy subscriber's deliveries are its sender's; when it ends, the loop wakes anyway (senderDone).
        var next = webhooks.PendingDeliveries().Where(d => !IsBusy(d.SubscriberId)).Select(d => d.NextAttemptAt).Min();
        return next is null ? longest : TimeSpan.FromTicks(Math.Clamp((next.Value - time.GetUtcNow()).Ticks, 0, longest.Ticks));
    }

    private async Task WaitAsync(Task appended, TimeSpan wait, CancellationToken stoppingToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        await Task.WhenAny(appended, Task.Delay(wait, time, stopWaiting.Token));
        await stopWaiting.CancelAsync();
    }

    // Redirects are not followed (a 3xx is a failure): the URL an admin registered is the only place a payload goes.
    private static HttpClient CreateClient(WebhookOptions options) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = WebhookTargetGuard.ConnectCallback(options.AllowPrivateTargets),
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        {
            Timeout = options.RequestTimeout,
            DefaultRequestHeaders = { { "User-Agent", "StatusPage-Webhooks/1" } },
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook dispatch round failed; retrying later.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up webhook delivery {DeliveryId} to subscriber {SubscriberId} after " +
        "{Attempts} attempts over 24 h: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string deliveryId, string subscriberId, int attempts, string error);
}
