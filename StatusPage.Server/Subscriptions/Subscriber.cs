using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Subscriptions;

internal static class SubscriberState
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Bouncing = "bouncing";
}

// One email subscription, kept beside the ledger (addresses are personal data; the ledger is public and forgets nothing).
// Token is the capability in every link (confirm, manage, unsubscribe). Cursor is the last ledger seq handed out to it.
// IncidentId set: this subscription follows that incident only. Components null: everything.
internal sealed record Subscriber(
    string Id,
    string Email,
    string Token,
    ImmutableArray<string>? Components,
    string? IncidentId,
    string Language,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt,
    long Cursor,
    int Bounces,
    ImmutableArray<DateTimeOffset> ConfirmationsSent)
{
    // One subscription per address and scope (the whole page, or one incident); addresses compare without case.
    public string Key => KeyOf(Email, IncidentId);

    public static string KeyOf(string email, string? incidentId) => email.Trim().ToLowerInvariant() + "|" + (incidentId ?? "");

    public ImmutableHashSet<string>? ComponentFilter => Components is { IsDefaultOrEmpty: false } ids ? [.. ids] : null;

    // 256 random bits, URL-safe.
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public int ConfirmationsSince(DateTimeOffset since) => ConfirmationsSent.IsDefault ? 0 : ConfirmationsSent.Count(t => t >= since);
}

internal static class EmailKind
{
    // The double opt-in link, to an unconfirmed address.
    public const string Confirmation = "confirmation";
    // A subscribe request for an address already confirmed: its manage link (the form page says the same either way).
    public const string AlreadySubscribed = "already_subscribed";
    // A ledger entry: an incident or maintenance post, a correction, a postmortem, a redaction.
    public const string Entry = "entry";
}

internal static class EmailState
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

// One email to one subscriber. Only this state is stored; the message is rebuilt from the ledger at each attempt.
internal sealed record EmailDelivery(
    string Id,
    string SubscriberId,
    string Kind,
    long EntrySeq,
    string? EntryId,
    string State,
    int Attempts,
    string? LastError,
    DateTimeOffset? FirstAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? SentAt,
    DateTimeOffset CreatedAt)
{
    public static EmailDelivery ForEntry(string subscriberId, long seq, string entryId, DateTimeOffset now) =>
        new($"{subscriberId}-{entryId}", subscriberId, EmailKind.Entry, seq, entryId, EmailState.Pending, 0, null, null, now, null, now);

    public static EmailDelivery Notice(string subscriberId, string kind, DateTimeOffset now) =>
        new($"{subscriberId}-{kind}-{now.ToUnixTimeMilliseconds()}", subscriberId, kind, 0, null, EmailState.Pending, 0, null, null, now,
            null, now);

    // Stored before the SMTP exchange: the attempt is counted and its retry already scheduled, so a crash mid-send resends then.
    // A shutdown or a relay failure undoes it instead (the record from before is saved again: due, not counted).
    public EmailDelivery Attempting(DateTimeOffset now, TimeSpan firstWait, double jitter)
    {
        var first = FirstAttemptAt ?? now;
        return this with
        {
            Attempts = Attempts + 1, FirstAttemptAt = first, NextAttemptAt = RetryBackoff.NextAttempt(first, now, Attempts + 1, jitter, firstWait) ?? now,
        };
    }

    public EmailDelivery Sent(DateTimeOffset now) => this with { State = EmailState.Sent, SentAt = now, NextAttemptAt = null, LastError = null };

    // Temporary failure of this message (4xx for it): retried with the webhooks' backoff until 24 h after the first attempt.
    public EmailDelivery Retry(DateTimeOffset now, string error, TimeSpan firstWait, double jitter)
    {
        var next = RetryBackoff.NextAttempt(FirstAttemptAt ?? now, now, Math.Max(1, Attempts), jitter, firstWait);
        return this with { State = next is null ? EmailState.Failed : EmailState.Pending, LastError = error, NextAttemptAt = next };
    }

    public EmailDelivery Rejected(string error) => this with { State = EmailState.Failed, LastError = error, NextAttemptAt = null };
}

// What the operator log keeps: what happened to which subscription id, never the address.
internal sealed record SubscriptionEvent(DateTimeOffset At, string Event, string SubscriberId, string Scope);
