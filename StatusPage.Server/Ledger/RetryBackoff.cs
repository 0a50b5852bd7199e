namespace StatusPage.Server.Ledger;

// The retry schedule of both outboxes fed by the ledger (webhook and email deliveries): exponential from 30 s, each wait
// capped at 1 h (+0–20 % jitter), given up 24 h after the first attempt.
internal static class RetryBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    // attempt is the number of attempts already made (1 after the first failure); jitter in [0, 1) spreads retries out;
    // firstWait replaces the 30 s start (tests retry in milliseconds); cap and give-up stay. Null once 24 h have passed.
    public static DateTimeOffset? NextAttempt(DateTimeOffset firstAttempt, DateTimeOffset now, int attempt, double jitter, TimeSpan firstWait)
    {
        var next = now + Wait(attempt, jitter, firstWait);
        return next - firstAttempt > GiveUpAfter ? null : next;
    }

    // The wait after that many attempts, without the give-up (the email relay is probed again however long it stays down).
    public static TimeSpan Wait(int attempt, double jitter, TimeSpan firstWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        var exponential = firstWait.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromSeconds(Math.Min(exponential, MaxWait.TotalSeconds) * (1 + 0.2 * Math.Min(jitter, 0.999)));
    }
}
