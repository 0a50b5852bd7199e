using StatusPage.Server.History;

namespace StatusPage.Server.HttpCache;

// How long a page that moves with the clock keeps its bytes (issue 15): until the site's midnight (the uptime bars move), or,
// while an incident is open, until the next minute (its running duration moves). The page cache renders such a page once per
// window, and the static export names the window in the page's version, so both re-render it at the same moments.
internal readonly record struct ClockWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public static ClockWindow Of(StatusSnapshot snapshot, TimeZoneInfo zone, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var midnight = Uptime.UptimeCalculator.StartOfDay(today.AddDays(1), zone);
        if (snapshot.UnresolvedIncidents.Any())
        {
            var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
            return new ClockWindow(minute, minute.AddMinutes(1) < midnight ? minute.AddMinutes(1) : midnight);
        }
        return new ClockWindow(Uptime.UptimeCalculator.StartOfDay(today, zone), midnight);
    }
}
