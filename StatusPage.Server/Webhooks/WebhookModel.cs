using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;

namespace StatusPage.Server.Webhooks;

// A registered receiver. Kept beside the ledger, not in it: the ledger is public, the secret and the URL are not.
// Cursor is the last ledger seq already handed out to it (deliveries created), so a restart resumes there.
internal sealed record WebhookSubscriber(
    string Id,
    string Url,
    string Secret,
    ImmutableArray<string>? Components,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    long Cursor)
{
    public ImmutableHashSet<string>? ComponentFilter => Components is { IsDefaultOrEmpty: false } ids ? [.. ids] : null;

    // 256 random bits, shown once at registration.
    public static string NewSecret() => "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

internal static class DeliveryState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string GaveUp = "gave_up";
}

// One ledger entry to one subscriber. Only this state is stored; the payload is rebuilt from the ledger at each attempt.
internal sealed record WebhookDelivery(
    string Id,
    string SubscriberId,
    long EntrySeq,
    string EntryId,
    string EntryKind,
    string Subject,
    string State,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? FirstAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset CreatedAt)
{
    // Deterministic, so a receiver can deduplicate on X-StatusPage-Delivery whatever happens to the sender.
    public static string IdFor(string subscriberId, string entryId) => $"{subscriberId}-{entryId}";

    public static WebhookDelivery New(string subscriberId, long entrySeq, string entryId, string entryKind, string subject,
        DateTimeOffset now) =>
        new(IdFor(subscriberId, entryId), subscriberId, entrySeq, entryId, entryKind, subject, DeliveryState.Pending, 0, null, null,
            null, null, now, null, now);

    // Stored before sending: the attempt is counted and its retry already scheduled, so a crash mid-attempt resumes on schedule.
    public WebhookDelivery Attempting(DateTimeOffset now, TimeSpan firstRetryDelay, double jitter)
    {
        var first = FirstAttemptAt ?? now;
        var attempts = Attempts + 1;
        return this with
        {
            Attempts = attempts,
            FirstAttemptAt = first,
            LastAttemptAt = now,
            NextAttemptAt = WebhookBackoff.NextAttempt(first, now, attempts, jitter, firstRetryDelay) ?? now,
        };
    }

    public WebhookDelivery Succeeded(DateTimeOffset now, int status) =>
        this with { State = DeliveryState.Delivered, LastStatus = status, LastError = null, NextAttemptAt = null, DeliveredAt = now };

    public WebhookDelivery Failed(DateTimeOffset now, int? status, string error, TimeSpan firstRetryDelay, double jitter)
    {
        var next = WebhookBackoff.NextAttempt(FirstAttemptAt ?? now, now, Math.Max(1, Attempts), jitter, firstRetryDelay);
        return this with
        {
            State = next is null ? DeliveryState.GaveUp : DeliveryState.Pending,
            LastStatus = status,
            LastError = error,
            NextAttemptAt = next,
        };
    }

    // What the admin list calls failed_recently: its latest attempt failed, within the window, and it is not delivered since.
    public bool FailedSince(DateTimeOffset since) => State != DeliveryState.Delivered && LastError is not null && LastAttemptAt >= since;
}
