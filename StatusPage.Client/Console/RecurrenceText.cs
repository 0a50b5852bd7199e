using System.Globalization;
using StatusPage.Client.Contracts;

namespace StatusPage.Client.Console;

// A recurrence finding in the console's words, with the odds written as the public pages write them (README "Recurrence").
public static class RecurrenceText
{
    // "the :56 pattern", "the 09:00–09:59 (Europe/Paris) pattern", "the Tuesday (Europe/Paris) pattern", "the 7-hour cycle (±10 min) pattern".
    public static string Pattern(RecurrenceView f) => f.Pattern switch
    {
        RecurrencePattern.MinuteOfHour => Invariant($":{f.Bin:00}"),
        RecurrencePattern.HourOfDay => Invariant($"{f.Bin:00}:00–{f.Bin:00}:59 ({f.TimeZone})"),
        RecurrencePattern.HourOfDayUtc => Invariant($"{f.Bin:00}:00–{f.Bin:00}:59 (UTC)"),
        RecurrencePattern.DayOfWeek => $"{CultureInfo.InvariantCulture.DateTimeFormat.GetDayName((DayOfWeek)f.Bin)} ({f.TimeZone})",
        _ => Invariant($"{f.PeriodHours}-hour cycle (±{f.ToleranceMinutes} min)"),
    };

    // "This matches the :56 pattern on Private network between data centers: 18th occurrence (by chance: less than 1 in 10¹⁵)".
    public static string Hint(RecurrenceView f) =>
        $"This matches the {Pattern(f)} pattern on {f.Name}: {Ordinal(f.Occurrence ?? f.Hits)} occurrence {Odds(f)}";

    // "17 of 18 incidents on Private network between data centers began on the :56 pattern (by chance: less than 1 in 10²³)".
    public static string Summary(RecurrenceView f) =>
        Invariant($"{f.Hits} of {f.Counted} incidents on {f.Name} began on the {Pattern(f)} pattern ") + Odds(f);

    public static string Odds(RecurrenceView f) => $"(by chance: less than 1 in {PowerOfTen(f.OddsExponent)})";

    // "1,000" up to a million, then "10¹⁵", as RecurrenceWords.Odds on the public pages.
    public static string PowerOfTen(int exponent) =>
        exponent <= 6
            ? Math.Pow(10, exponent).ToString("N0", CultureInfo.InvariantCulture)
            : "10" + string.Concat(exponent.ToString(CultureInfo.InvariantCulture).Select(d => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d - '0']));

    public static string Ordinal(int n) => n.ToString(CultureInfo.InvariantCulture) + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch
    {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
