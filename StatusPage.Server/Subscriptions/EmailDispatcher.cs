using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using System.Runtime.CompilerServices;
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
internal sealed record DispatchGate(Task Ready);

internal sealed partial class EmailDispatcher(LedgerService ledger, LedgerStore store, SubscriptionStore subscriptions, DispatchGate gate,
    SiteSettingsHolder site, IOptions<EmailOptions> options, IOptions<PublicUrlOption> publicUrl, TimeProvider time,
    ILogger<EmailDispatcher> logger) : BackgroundService
{
    private const int HandOutBatch = 500;
    private const int SendBatch = 1000;
    private readonly EmailOptions _options = options.Value;
    private TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RelayProblem? _relay;

    // Set while the SMTP server refuses the connection, the login, the sender or relaying (not one address): for the admin counts.
    public RelayProblem? Relay => _relay;

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

    // Due emails in ledger order, split over up to Connections SMTP connections; true when more were due than one batch. While
    // the relay is failing, nothing is sent before its next probe, and the probe is one email over one connection.
    private async Task<bool> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_relay is { } failing && now < failing.NextProbeAt)
        {
            return false;
        }
        var due = subscriptions.PendingDeliveries().Where(d => d.NextAttemptAt <= now)
            .OrderBy(d => d.EntrySeq).ThenBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (due.Count == 0)
        {
            return false;
        }
        var probing = _relay is not null;
        var batch = due.Take(probing ? 1 : SendBatch).ToList();
        var lanes = probing ? 1 : Math.Clamp(_options.Connections, 1, 16);
        var composer = Composer();
        // One connection first: while the relay is down, a round costs it one connection attempt, not one per lane.
        var first = NewClient();
        if (await ConnectAsync(first, cancellationToken) is { } refused)
        {
            first.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            RelayFailed(refused);
            return false;
        }
        // One relay failure stops every lane of the round: the relay is down or refuses us, so the others would only fail too.
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var relayError = new StrongBox<string?>();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => Task.Run(() => SendLaneAsync(lane == 0 ? first : NewClient(), composer,
            [.. batch.Where((_, i) => i % lanes == lane)], round, relayError), CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();
        if (relayError.Value is { } error)
        {
            RelayFailed(error);
            return false;
        }
        if (_relay is { } recovered)
        {
            _relay = null;
            subscriptions.LogEvent(new SubscriptionEvent(time.GetUtcNow(), "smtp_recovered", "", "relay"));
            LogRelayRecovered(logger, recovered.Failures);
        }
        return due.Count > batch.Count;
    }

    private void RelayFailed(string error)
    {
        var now = time.GetUtcNow();
        var failures = (_relay?.Failures ?? 0) + 1;
        var next = now + RetryBackoff.Wait(failures, Random.Shared.NextDouble(), _options.FirstRetryDelay);
        if (_relay is null)
        {
            // Once per outage in the admin log (not per probe); every probe is in the server log.
            subscriptions.LogEvent(new SubscriptionEvent(now, "smtp_failing", "", "relay"));
        }
        _relay = new RelayProblem(_relay?.Since ?? now, now, error, failures, next);
        LogRelayFailed(logger, failures, error, next);
    }

    private SmtpClient NewClient() => new() { Timeout = (int)_options.SmtpTimeout.TotalMilliseconds };

    private async Task SendLaneAsync(SmtpClient client, EmailComposer composer, List<EmailDelivery> deliveries, CancellationTokenSource round,
        StrongBox<string?> relayError)
    {
        using var smtp = client;
        foreach (var delivery in deliveries)
        {
            if (round.IsCancellationRequested)
            {
                return;
            }
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
                SaveOutcome(attempt, SmtpOutcome.Refused, "The announced post is no longer in the history.");
                continue;
            }
            SmtpOutcome outcome;
            string? error;
            try
            {
                (outcome, error) = await SendAsync(smtp, message, subscriber.Email, round.Token);
            }
            catch (OperationCanceledException) when (round.IsCancellationRequested)
            {
                // A shutdown, or another lane's relay failure: not this email's fault. Saved as before the attempt (due now, not
                // counted); if the server had already accepted it, the resend carries the same Message-ID.
                subscriptions.SaveDelivery(delivery);
                return;
            }
            if (outcome == SmtpOutcome.RelayFailed)
            {
                subscriptions.SaveDelivery(delivery with { LastError = error });
                Interlocked.CompareExchange(ref relayError.Value, error, null);
                await round.CancelAsync();
                return;
            }
            SaveOutcome(attempt, outcome, error);
        }
        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(quit: true, CancellationToken.None);
        }
    }

    private void SaveOutcome(EmailDelivery attempt, SmtpOutcome outcome, string? error)
    {
        var now = time.GetUtcNow();
        var stored = outcome switch
        {
            SmtpOutcome.Sent => attempt.Sent(now),
            SmtpOutcome.Deferred => attempt.Retry(now, error!, _options.FirstRetryDelay, Random.Shared.NextDouble()),
            _ => attempt.Rejected(error!),
        };
        if (subscriptions.SaveOutcome(stored, outcome, _options.BouncesBeforeStop, now) is { } bouncing)
        {
            LogBouncing(logger, bouncing.Id, bouncing.Bounces);
        }
    }

    // Nothing but the confirmation ever goes to an unconfirmed address; nothing at all to a bouncing one.
    private static bool MaySend(Subscriber subscriber, EmailDelivery delivery) => subscriber.State switch
    {
        SubscriberState.Pending => delivery.Kind == EmailKind.Confirmation,
        SubscriberState.Confirmed => delivery.Kind != EmailKind.Confirmation,
        _ => false,
    };

    private async Task<(SmtpOutcome Outcome, string? Error)> SendAsync(SmtpClient smtp, MimeMessage message, string recipient,
        CancellationToken cancellationToken)
    {
        if (!smtp.IsConnected && await ConnectAsync(smtp, cancellationToken) is { } refused)
        {
            return (SmtpOutcome.RelayFailed, refused);
        }
        try
        {
            await smtp.SendAsync(message, cancellationToken);
            return (SmtpOutcome.Sent, null);
        }
        catch (SmtpCommandException e)
        {
            return (SmtpReply.Classify(e.ErrorCode, (int)e.StatusCode, e.Message, recipient), Answered(e));
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            await DropAsync(smtp);
            return (SmtpOutcome.RelayFailed, e.Message);
        }
    }

    // Null once connected (and logged in); else why not: any failure here is the relay's, never an address's.
    private async Task<string?> ConnectAsync(SmtpClient smtp, CancellationToken cancellationToken)
    {
        try
        {
            await smtp.ConnectAsync(_options.SmtpHost, _options.SmtpPort, _options.SocketOptions, cancellationToken);
            if (_options.Username is { Length: > 0 } user)
            {
                await smtp.AuthenticateAsync(user, _options.Password ?? "", cancellationToken);
            }
            return null;
        }
        catch (SmtpCommandException e)
        {
            await DropAsync(smtp);
            return Answered(e);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            await DropAsync(smtp);
            return e.Message;
        }
    }

    private static string Answered(SmtpCommandException e) => $"The SMTP server answered {(int)e.StatusCode} {e.Message}";

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) => e is SmtpProtocolException
        or ServiceNotConnectedException or IOException or System.Net.Sockets.SocketException or TimeoutException
        or MailKit.Security.AuthenticationException or MailKit.Security.SslHandshakeException
        or OperationCanceledException && !cancellationToken.IsCancellationRequested;

    private static async Task DropAsync(SmtpClient smtp)
    {
        if (smtp.IsConnected)
        {
            await smtp.DisconnectAsync(quit: false, CancellationToken.None);
        }
    }

    private TimeSpan UntilNextDue(TimeSpan longest)
    {
        var next = subscriptions.PendingDeliveries().Select(d => d.NextAttemptAt).Min();
        if (next is not null && _relay is { } failing && failing.NextProbeAt > next)
        {
            next = failing.NextProbeAt;
        }
        return next is null ? longest : TimeSpan.FromTicks(Math.Clamp((next.Value - time.GetUtcNow()).Ticks, 0, longest.Ticks));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An email dispatch round failed; retrying later.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unconfirmed email subscription {Id} expired and was deleted.")]
    private static partial void LogExpired(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "The SMTP server failed {Failures} time(s) in a row, sending is paused until " +
        "{NextProbe:o} (one probe then; no bounce is counted): {Error}")]
    private static partial void LogRelayFailed(ILogger logger, int failures, string error, DateTimeOffset nextProbe);

    [LoggerMessage(Level = LogLevel.Information, Message = "The SMTP server accepts email again after {Failures} failed probe(s).")]
    private static partial void LogRelayRecovered(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email subscription {Id} is bouncing after {Bounces} permanent rejections; nothing more is sent to it.")]
    private static partial void LogBouncing(ILogger logger, string id, int bounces);
}
