using System.Globalization;
using StatusPage.Server.Recurrence;

namespace StatusPage.Server.PublicSite;

// A finding in plain words, shared by the component page, the provider page and the provider report (HTML and JSON).
internal static class RecurrenceWords
{
    public static string Sentence(PageText t, RecurrenceReport report, RecurrenceFinding f) => f.Kind switch
    {
        RecurrenceKind.MinuteOfHour => t.Format("Recurrence_MinuteOfHour", f.Hits, f.Counted, report.Label, f.Bin.ToString("00", CultureInfo.InvariantCulture)),
        RecurrenceKind.HourOfDayLocal => t.Format("Recurrence_HourOfDay", f.Hits, f.Counted, report.Label, $"{f.Bin:00}:00", $"{f.Bin:00}:59", t.Zone.Id),
        RecurrenceKind.HourOfDayUtc => t.Format("Recurrence_HourOfDay", f.Hits, f.Counted, report.Label, $"{f.Bin:00}:00", $"{f.Bin:00}:59", "UTC"),
        RecurrenceKind.DayOfWeek => t.Format("Recurrence_DayOfWeek", f.Hits, f.Counted, report.Label, PageText.Culture.DateTimeFormat.GetDayName((DayOfWeek)f.Bin), t.Zone.Id),
        _ => t.Format("Recurrence_Period", f.Hits, f.Counted, report.Label, RecurrenceOptions.Default.ToleranceMinutes, f.PeriodHours, f.Anchor is { } anchor ? t.Time(anchor) : ""),
    };

    // "(by chance: less than 1 in 10¹⁵)".
    public static string OddsText(PageText t, RecurrenceFinding f) => t.Format("Recurrence_Odds", Odds(f.OddsExponent));

    // "1,000" up to a million, then "10¹⁵": plain words for the odds.
    public static string Odds(int exponent) =>
        exponent <= 6
            ? Math.Pow(10, exponent).ToString("N0", PageText.Culture)
            : "10" + string.Concat(exponent.ToString(CultureInfo.InvariantCulture).Select(d => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d - '0']));
}
