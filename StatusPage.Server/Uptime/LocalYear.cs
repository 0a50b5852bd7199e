namespace StatusPage.Server.Uptime;

// A year in the site's time zone, as the pages that are paged by year use it (a provider's account, issue 15: its incidents by
// the year they began in, as history is paged by month). Years outside [First, Last] have no page (a hostile ledger can state
// year 1 or 9999).
internal static class LocalYear
{
    public const int First = 2000;
    public const int Last = 2100;

    public static bool HasPage(int year) => year is >= First and <= Last;

    // The year whose Bounds hold `time` (the local year, checked against Bounds where a zone's midnight does not exist).
    public static int Of(DateTimeOffset time, TimeZoneInfo zone)
    {
        if (time.UtcDateTime.Year is < First - 1 or > Last + 1)
        {
            return time.UtcDateTime.Year;
        }
        var year = TimeZoneInfo.ConvertTime(time, zone).Year;
        var (from, to) = Bounds(year, zone);
        return time < from ? year - 1 : time >= to ? year + 1 : year;
    }

    public static (DateTimeOffset From, DateTimeOffset To) Bounds(int year, TimeZoneInfo zone) =>
        (UptimeCalculator.StartOfDay(new DateOnly(year, 1, 1), zone), UptimeCalculator.StartOfDay(new DateOnly(year + 1, 1, 1), zone));
}
