namespace StatusPage.Server.Webhooks;

// Retry schedule of a failed delivery: exponential from 30 s, capped at 1 h per wait, given up 24 h after the first attempt.
internal static class WebhookBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    // attempt is the number of attempts already made (1 after the first failure); jitter in [0, 1) spreads retries out.
    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttempt, DateTimeOffset now, int attempt, double jitter) =>
        NextAttempt(firstAttempt, now, attempt, jitter, First);

    // firstWait replaces the 30 s start (StatusPage:Webhooks:FirstRetryDelay, so tests retry in milliseconds); cap and give-up stay.
    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttempt, DateTimeOffset now, int attempt, double jitter, TimeSpan firstWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        var exponential = firstWait.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var wait = TimeSpan.FromSeconds(Math.Min(exponential, MaxWait.TotalSeconds) * (1 + 0.2 * Math.Min(jitter, 0.999)));
        var next = now + wait;
        return next - firstAttempt > GiveUpAfter ? null : next;
    }
}
