using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Providers;
using StatusPage.Server.Recurrence;
using StatusPage.Server.Site;
using StatusPage.Server.Uptime;

namespace StatusPage.Bench;

// The readers a page render calls over the whole history, timed one by one on one loaded snapshot (issue 15, "flat"): run it on
// two sizes and compare; a reader whose time grows with the history is what the warm increment still pays per post.
//   reads --data PATH    each reader 25 times after 5 warm-up calls; prints the median and the fastest call
internal static class Reads
{
    public static int Run(string dataPath, StatusPage.Server.Transparency.TransparencyLog log)
    {
        using var store = new LedgerStore(dataPath);
        using var ledger = new LedgerService(store, TimeProvider.System, log, NullLogger<LedgerService>.Instance);
        ledger.Load();
        var snapshot = ledger.Current;
        // The clock the warm-export bench serves with: its pages read the history up to now.
        var now = TimeProvider.System.GetUtcNow();
        var site = SiteSettings.Default;
        var providers = snapshot.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        Console.WriteLine($"reads: {dataPath}, {snapshot.Head.Seq:N0} entries, {snapshot.Incidents.Count:N0} incidents, {providers.Count} providers");
        Console.WriteLine($"  newest incidents: {string.Join(", ", snapshot.IncidentsNewestFirst.Take(3).Select(i => i.StartedAt.ToString("u")))}; oldest {snapshot.IncidentsOldestFirst[0].StartedAt:u}; months {string.Join(",", SlaStatement.Months(snapshot, now, site.TimeZone))}");
        Time("SlaStatement.TwelveMonths", () => SlaStatement.TwelveMonths(snapshot, site, now).Length);
        Time("SlaStatement.Months", () => SlaStatement.Months(snapshot, now, site.TimeZone).Length);
        var month = SlaStatement.Months(snapshot, now, site.TimeZone)[3];
        Time("SlaStatement.For (one month)", () => SlaStatement.For(snapshot, month, site, now).Length);
        Time("DowntimeSlices.In (one month)", () => DowntimeSlices.In(snapshot, UptimeCalculator.StartOfDay(month, site.TimeZone),
            UptimeCalculator.StartOfDay(month.AddMonths(1), site.TimeZone)).Count());
        Time("ProviderAccount.TotalsForEach (all time)", () => ProviderAccount.TotalsForEach(snapshot, providers, DateTimeOffset.MinValue, now).Length);
        Time("ProviderAccount.For each provider (all time)",
            () => providers.Sum(p => ProviderAccount.For(snapshot, p, DateTimeOffset.MinValue, now, TimeZoneInfo.Utc).Incidents.Length));
        var accounts = providers.Select(p => ProviderAccount.For(snapshot, p, DateTimeOffset.MinValue, now, TimeZoneInfo.Utc)).ToList();
        Time("RecurrenceDetector.Detect each provider (all time)", () => accounts.Sum(a => RecurrenceDetector.Detect(a.Provider.Name,
            a.Incidents.Select(i => new RecurrenceEvent(i.Incident.Id, i.Incident.StartedAt)), TimeZoneInfo.Utc).Findings.Length));
        Time("FeedItems.LatestForSite", () => FeedItems.LatestForSite(snapshot, site).Count);
        return 0;
    }

    private static void Time(string name, Func<int> read)
    {
        for (var i = 0; i < 5; i++)
        {
            read();
        }
        var times = new List<double>();
        var result = 0;
        for (var i = 0; i < 25; i++)
        {
            var watch = Stopwatch.StartNew();
            result = read();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-48} median {times[12],8:F2} ms  fastest {times[0],8:F2} ms  ({result})"));
    }
}
