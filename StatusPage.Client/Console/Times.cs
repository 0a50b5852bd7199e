using System.Globalization;

namespace StatusPage.Client.Console;

// Durations as an operator reads them at 3 a.m. (times of day: ConsoleClock.Show).
public static class Times
{
    public static string Ago(DateTimeOffset time, DateTimeOffset now) => $"{Span(now - time)} ago";

    public static string Span(TimeSpan span)
    {
        var minutes = (int)Math.Max(0, span.TotalMinutes);
        return minutes switch
        {
            < 1 => "less than a minute",
            < 60 => $"{minutes} min",
            < 48 * 60 when minutes % 60 == 0 => $"{minutes / 60} h",
            < 48 * 60 => $"{minutes / 60} h {minutes % 60} min",
            _ => $"{minutes / (24 * 60)} days",
        };
    }

    // "2026-11-24T03:30" from an <input type=datetime-local> read as UTC.
    public static DateTimeOffset? ParseUtc(string? local) =>
        DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero)
            : null;

    public static string Words(string word) => word.Replace('_', ' ');
}
