using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;

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
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    public static EmailDelivery ForEntry(string subscriberId, long seq, string entryId, DateTimeOffset now) =>
        new($"{subscriberId}-{entryId}", subscriberId, EmailKind.Entry, seq, entryId, EmailState.Pending, 0, null, null, now, null, now);

    public static EmailDelivery Notice(string subscriberId, string kind, DateTimeOffset now) =>
        new($"{subscriberId}-{kind}-{now.ToUnixTimeMilliseconds()}", subscriberId, kind, 0, null, EmailState.Pending, 0, null, null, now,
            null, now);

    // Stored before the SMTP exchange: the attempt is counted and its retry already scheduled, so a crash mid-send resends then.
    public EmailDelivery Attempting(DateTimeOffset now, TimeSpan firstWait, double jitter)
    {
        var first = FirstAttemptAt ?? now;
        return this with { Attempts = Attempts + 1, FirstAttemptAt = first, NextAttemptAt = NextAttempt(first, now, Attempts + 1, firstWait, jitter) ?? now };
    }

    public EmailDelivery Sent(DateTimeOffset now) => this with { State = EmailState.Sent, SentAt = now, NextAttemptAt = null, LastError = null };

    // Temporary failure: retried with backoff until 24 h after the first attempt.
    public EmailDelivery Retry(DateTimeOffset now, string error, TimeSpan firstWait, double jitter)
    {
        var next = NextAttempt(FirstAttemptAt ?? now, now, Math.Max(1, Attempts), firstWait, jitter);
        return this with { State = next is null ? EmailState.Failed : EmailState.Pending, LastError = error, NextAttemptAt = next };
    }

    public EmailDelivery Rejected(string error) => this with { State = EmailState.Failed, LastError = error, NextAttemptAt = null };

    // Exponential from firstWait, each wait capped at an hour (+0–20 % jitter); null once 24 h have passed since the first attempt.
    public static DateTimeOffset? NextAttempt(DateTimeOffset first, DateTimeOffset now, int attempts, TimeSpan firstWait, double jitter)
    {
        var exponential = firstWait.TotalSeconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var next = now + TimeSpan.FromSeconds(Math.Min(exponential, MaxWait.TotalSeconds) * (1 + 0.2 * Math.Clamp(jitter, 0, 0.999)));
        return next - first > GiveUpAfter ? null : next;
    }
}

// What the operator log keeps: what happened to which subscription id, never the address.
internal sealed record SubscriptionEvent(DateTimeOffset At, string Event, string SubscriberId, string Scope);
