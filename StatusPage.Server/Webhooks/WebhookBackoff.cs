using StatusPage.Server.Ledger;

namespace StatusPage.Server.Webhooks;

// Retry schedule of a failed delivery: the one shared with email deliveries (Ledger/RetryBackoff), under the webhook name.
internal static class WebhookBackoff
{
    public static readonly TimeSpan First = RetryBackoff.First;
    public static readonly TimeSpan MaxWait = RetryBackoff.MaxWait;
    public static readonly TimeSpan GiveUpAfter = RetryBackoff.GiveUpAfter;

    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttempt, DateTimeOffset now, int attempt, double jitter) =>
        RetryBackoff.NextAttempt(firstAttempt, now, attempt, jitter, First);

    // firstWait replaces the 30 s start (StatusPage:Webhooks:FirstRetryDelay, so tests retry in milliseconds); cap and give-up stay.
    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttempt, DateTimeOffset now, int attempt, double jitter, TimeSpan firstWait) =>
        RetryBackoff.NextAttempt(firstAttempt, now, attempt, jitter, firstWait);
}
