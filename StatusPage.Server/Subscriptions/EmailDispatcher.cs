using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Subscriptions;

// Expires unconfirmed subscriptions, hands new ledger entries out to confirmed subscribers (past their cursor), and sends due
// emails over a few SMTP connections. A background service: the web server never waits for SMTP. State is stored before and
// after each SMTP exchange, so a restart resumes where it was.
// When the ledger is replayed and start-up is done (Startup's readiness, handed in by Program.cs: Startup depends on PublicSite,
// which shows the subscribe form, so this folder does not reach Startup itself).
public sealed record DispatchGate(Task Ready);

public sealed partial class EmailDispatcher(LedgerService ledger, LedgerStore store, SubscriptionStore subscriptions, DispatchGate gate,
    SiteSettingsHolder site, IOptions<EmailOptions> options, IOptions<PublicUrlOption> publicUrl, TimeProvider time,
    ILogger<EmailDispatcher> logger) : BackgroundService
{
    private const int HandOutBatch = 500;
    private const int SendBatch = 1000;
    private readonly EmailOptions _options = options.Value;
    private TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Called after a subscribe request queued a confirmation: send it now rather than at the next wake-up.
    public void Wake() => Interlocked.Exchange(ref _queued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public EmailComposer Composer() => new(site.Current,
        publicUrl.Value.PublicUrl is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/") : site.Current.Url,
        _options.From is { Length: > 0 } f ? MailboxAddress.Parse(f) : new MailboxAddress(site.Current.Name, $"status@{site.Current.Url.Host}"), EmailSigning.Signer(_options));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        try
        {
            await gate.Ready.WaitAsync(stoppingToken);
        }
        catch (Exception) when (!gate.Ready.IsCompletedSuccessfully)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var appended = ledger.NextAppend;
            var queued = Volatile.Read(ref _queued).Task;
            var wait = _options.PollInterval;
            try
            {
                var now = time.GetUtcNow();
                foreach (var id in subscriptions.ExpireUnconfirmed(now - _options.ConfirmWithin, now))
                {
                    LogExpired(logger, id);
                }
                var more = HandOutNewEntries();
                more |= await SendDueAsync(stoppingToken);
                wait = more ? TimeSpan.Zero : UntilNextDue(wait);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRoundFailed(logger, e);
            }
            if (wait > TimeSpan.Zero)
            {
                using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(appended, queued, Task.Delay(wait, time, stopWaiting.Token));
                await stopWaiting.CancelAsync();
            }
        }
    }

    // True when a subscriber still has entries past this batch.
    private bool HandOutNewEntries()
    {
        var snapshot = ledger.Current;
        var head = snapshot.Head.Seq;
        var more = false;
        foreach (var subscriber in subscriptions.ReadSubscribers().Where(s => s.State == SubscriberState.Confirmed && s.Cursor < head))
        {
            var entries = store.ReadAll(subscriber.Cursor).TakeWhile(e => e.Seq <= head).Take(HandOutBatch).ToList();
            var cursor = entries.Count == HandOutBatch ? entries[^1].Seq : head;
            more |= cursor < head;
            subscriptions.HandOut(subscriber.Id, cursor, SubscriptionOutbox.DeliveriesFor(snapshot, subscriber, entries, time.GetUtcNow()));
        }
        return more;
    }

    // Due emails in ledger order, split over up to Connections SMTP connections; true when more were due than one batch.
    private async Task<bool> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = subscriptions.PendingDeliveries().Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.EntrySeq).ThenBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (due.Count == 0)
        {
            return false;
        }
        var batch = due.Take(SendBatch).ToList();
        var lanes = Math.Clamp(_options.Connections, 1, 16);
        var composer = Composer();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane =>
            Task.Run(() => SendLaneAsync(composer, [.. batch.Where((_, i) => i % lanes == lane)], cancellationToken), CancellationToken.None)));
        return due.Count > SendBatch;
    }

    private async Task SendLaneAsync(EmailComposer composer, List<EmailDelivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }
        using var smtp = new SmtpClient { Timeout = (int)_options.SmtpTimeout.TotalMilliseconds };
        foreach (var delivery in deliveries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (subscriptions.Find(delivery.SubscriberId) is not { } subscriber)
            {
                continue;
            }
            if (!MaySend(subscriber, delivery))
            {
                subscriptions.SaveDelivery(delivery.Rejected($"Not sent: the subscription is {subscriber.State}."));
                continue;
            }
            var attempt = delivery.Attempting(time.GetUtcNow(), _options.FirstRetryDelay, Random.Shared.NextDouble());
            if (!subscriptions.SaveDelivery(attempt))
            {
                continue;
            }
            var message = composer.Compose(subscriber, attempt, ledger.Current, ledger.Transparency.Latest, time.GetUtcNow());
            if (message is null)
            {
                subscriptions.SaveOutcome(attempt.Rejected("The announced post is no longer in the history."), subscriber, null);
                continue;
            }
            var (outcome, bounced) = await SendAsync(smtp, message, attempt, cancellationToken);
            var after = bounced
                ? subscriber with { Bounces = subscriber.Bounces + 1 }
                : outcome.State == EmailState.Sent ? subscriber with { Bounces = 0 } : subscriber;
            SubscriptionEvent? logged = null;
            if (bounced && after.Bounces >= _options.BouncesBeforeStop && after.State == SubscriberState.Confirmed)
            {
                after = after with { State = SubscriberState.Bouncing };
                logged = new SubscriptionEvent(time.GetUtcNow(), "bouncing", after.Id, SubscriptionStore.ScopeOf(after));
                LogBouncing(logger, after.Id, after.Bounces);
            }
            subscriptions.SaveOutcome(outcome, after, logged);
        }
        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(quit: true, CancellationToken.None);
        }
    }

    // Nothing but the confirmation ever goes to an unconfirmed address; nothing at all to a bouncing one.
    private static bool MaySend(Subscriber subscriber, EmailDelivery delivery) => subscriber.State switch
    {
        SubscriberState.Pending => delivery.Kind == EmailKind.Confirmation,
        SubscriberState.Confirmed => delivery.Kind != EmailKind.Confirmation,
        _ => false,
    };

    // The outcome to store, and whether the server refused the address or the message for good (SMTP 5xx).
    private async Task<(EmailDelivery Outcome, bool Bounced)> SendAsync(SmtpClient smtp, MimeMessage message, EmailDelivery attempt,
        CancellationToken cancellationToken)
    {
        try
        {
            if (!smtp.IsConnected)
            {
                await smtp.ConnectAsync(_options.SmtpHost, _options.SmtpPort, _options.SocketOptions, cancellationToken);
                if (_options.Username is { Length: > 0 } user)
                {
                    await smtp.AuthenticateAsync(user, _options.Password ?? "", cancellationToken);
                }
            }
            await smtp.SendAsync(message, cancellationToken);
            return (attempt.Sent(time.GetUtcNow()), false);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500
            && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            return (attempt.Rejected($"Refused by the SMTP server: {(int)e.StatusCode} {e.Message}"), true);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or IOException
            or System.Net.Sockets.SocketException or TimeoutException or MailKit.Security.AuthenticationException
            or MailKit.Security.SslHandshakeException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (smtp.IsConnected && e is not SmtpCommandException)
            {
                await smtp.DisconnectAsync(quit: false, CancellationToken.None);
            }
            return (attempt.Retry(time.GetUtcNow(), e.Message, _options.FirstRetryDelay, Random.Shared.NextDouble()), false);
        }
    }

    private TimeSpan UntilNextDue(TimeSpan longest)
    {
        var next = subscriptions.PendingDeliveries().Select(d => d.NextAttemptAt).Min();
        return next is null ? longest : TimeSpan.FromTicks(Math.Clamp((next.Value - time.GetUtcNow()).Ticks, 0, longest.Ticks));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An email dispatch round failed; retrying later.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unconfirmed email subscription {Id} expired and was deleted.")]
    private static partial void LogExpired(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email subscription {Id} is bouncing after {Bounces} permanent rejections; nothing more is sent to it.")]
    private static partial void LogBouncing(ILogger logger, string id, int bounces);
}
