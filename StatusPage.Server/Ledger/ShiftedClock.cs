using System.Globalization;

namespace StatusPage.Server.Ledger;

// The system clock started at a chosen instant and running on in real time (StatusPage:Clock, for demos and tests): only
// "now" moves, so timers, timeouts and retries keep their real durations.
internal sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _offset;

    // The configured clock: the system's, or a ShiftedClock when StatusPage:Clock holds an ISO 8601 instant.
    public static TimeProvider From(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return TimeProvider.System;
        }
        if (!DateTimeOffset.TryParse(configured, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var start))
        {
            throw new InvalidOperationException($"StatusPage:Clock '{configured}' is not an instant like 2026-11-24T12:00:00Z.");
        }
        return new ShiftedClock(start);
    }
}
