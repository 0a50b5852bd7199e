using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;

namespace StatusPage.Server.Uptime;

// Downtime of one cause: "internal", "unknown" (also status set outside any incident), or "provider:{id}".
internal sealed record CauseDowntime(string Cause, string? ProviderName, double Minutes);

// One component over one calendar month (site time zone), by the published uptime formula; the current month runs to now.
internal sealed record SlaMonth(
    ServiceComponent Component,
    DateOnly Month,
    bool Complete,
    double PeriodMinutes,
    double MaintenanceMinutes,
    ImmutableArray<CauseDowntime> Downtime,
    decimal? Target,
    decimal Credit)
{
    public double EligibleMinutes => PeriodMinutes - MaintenanceMinutes;

    public double DowntimeMinutes => Downtime.Sum(d => d.Minutes);

    public double? Uptime => EligibleMinutes > 0 ? 100 * (1 - (DowntimeMinutes / EligibleMinutes)) : null;

    public bool BelowTarget => Uptime is { } u && Target is { } t && u < (double)t;
}

// One component over the statement's months (the last twelve calendar months, the current one to date): eligible and downtime
// minutes summed over the months, so the figure is weighted by eligible minutes, not an average of monthly percentages. Target:
// the one in force at the end of the newest month (now); each month is still judged against its own (MonthsBelowTarget).
public sealed record SlaYear(
    ServiceComponent Component,
    DateOnly From,
    DateOnly To,
    int Months,
    double EligibleMinutes,
    double DowntimeMinutes,
    decimal? Target,
    int MonthsBelowTarget)
{
    public double? Uptime => EligibleMinutes > 0 ? 100 * (1 - (DowntimeMinutes / EligibleMinutes)) : null;
}

// The SLA statement (shown by Sla/; here, below PublicSite, so the component page can give the same figures): each component with a target, month by month. A month below target owes the largest credit among the
// tiers whose "below" the uptime is under (site.yml sla_credits). Each month is held to the target in force at its end (now
// for the current month): a target changed today does not rewrite the months already closed.
internal static class SlaStatement
{
    // The last twelve months, newest first, from the month of the first recorded fact on: no uptime is claimed for months the
    // history says nothing about.
    public static ImmutableArray<DateOnly> Months(StatusSnapshot snapshot, DateTimeOffset now, TimeZoneInfo zone, int count = 12)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var current = new DateOnly(today.Year, today.Month, 1);
        var first = FirstRecord(snapshot) is { } at ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime) : today;
        var since = new DateOnly(first.Year, first.Month, 1);
        return [.. Enumerable.Range(0, count).Select(i => current.AddMonths(-i)).Where(m => m >= since)];
    }

    // Once per snapshot: every component page, the /sla page and its files ask, and the maintenances are the whole history's.
    private static DateTimeOffset? FirstRecord(StatusSnapshot snapshot) => FirstRecords.GetValue(snapshot, s => new(FirstRecordOf(s))).Value;

    private static readonly ConditionalWeakTable<StatusSnapshot, StrongBox<DateTimeOffset?>> FirstRecords = [];

    private static DateTimeOffset? FirstRecordOf(StatusSnapshot snapshot) =>
        snapshot.Components.Values.SelectMany(c => c.Changes.Take(1).Select(x => x.At).Append(c.CreatedAt))
            // The earliest incident start is the newest-first list's last.
            .Concat(snapshot.IncidentsNewestFirst is [.., var earliest] ? [earliest.StartedAt] : Array.Empty<DateTimeOffset>())
            .Concat(snapshot.MaintenancesByStart is [var earliestWindow, ..] ? [earliestWindow.ScheduledFor] : Array.Empty<DateTimeOffset>())
            .Cast<DateTimeOffset?>().Min();

    public static ImmutableArray<SlaMonth> For(StatusSnapshot snapshot, DateOnly month, SiteSettings site, DateTimeOffset now)
    {
        var from = UptimeCalculator.StartOfDay(month, site.TimeZone);
        var end = UptimeCalculator.StartOfDay(month.AddMonths(1), site.TimeZone);
        var to = end < now ? end : now;
        if (to <= from)
        {
            return [];
        }
        var slices = DowntimeSlices.In(snapshot, from, to).ToList();
        return [.. snapshot.ComponentsInOrder.Where(c => TargetFor(c, to) is not null).Select(c =>
        {
            // Minutes before the component's first record are not eligible (the /uptime rules).
            var start = UptimeCalculator.EligibleFrom(c) is var since && since > from ? since : from;
            var maintenance = UptimeCalculator.Intervals(c, start, to)
                .Where(i => i.Status == ComponentStatus.UnderMaintenance).Sum(i => (i.End - i.Start).TotalMinutes);
            var downtime = slices.Where(s => s.ComponentId == c.Id)
                .GroupBy(s => CauseOf(snapshot, s.SourceId))
                .Select(g => new CauseDowntime(g.Key.Cause, g.Key.ProviderName, g.Sum(s => s.Minutes)))
                .OrderBy(d => d.Cause, StringComparer.Ordinal)
                .ToImmutableArray();
            var row = new SlaMonth(c, month, end <= now, Math.Max(0, (to - start).TotalMinutes), maintenance, downtime, TargetFor(c, to), 0);
            return row with { Credit = CreditFor(row, site.CreditTiers) };
        })];
    }

    // "Target 99.950 %, delivered 99.873 % over the last 12 months": the component page, the /sla page and sla.json all read this.
    public static ImmutableArray<SlaYear> TwelveMonths(StatusSnapshot snapshot, SiteSettings site, DateTimeOffset now)
    {
        var rows = Months(snapshot, now, site.TimeZone).SelectMany(month => For(snapshot, month, site, now)).ToList();
        return [.. rows.GroupBy(r => r.Component.Id).Select(g =>
        {
            var newest = g.MaxBy(r => r.Month)!;
            return new SlaYear(newest.Component, g.Min(r => r.Month), newest.Month, g.Count(), g.Sum(r => r.EligibleMinutes),
                g.Sum(r => r.DowntimeMinutes), newest.Target, g.Count(r => r.BelowTarget));
        })];
    }

    public static decimal? TargetFor(ServiceComponent component, DateTimeOffset periodEnd) => component.SlaTargetAt(periodEnd);

    public static decimal CreditFor(SlaMonth row, IReadOnlyList<CreditTier> tiers) =>
        row.BelowTarget && row.Uptime is { } uptime
            ? tiers.Where(t => uptime < (double)t.Below).Select(t => t.Credit).DefaultIfEmpty(0).Max()
            : 0;

    private static (string Cause, string? ProviderName) CauseOf(StatusSnapshot snapshot, string? sourceId) =>
        sourceId is not null && snapshot.Incidents.TryGetValue(sourceId, out var incident)
            ? incident.Cause.Kind switch
            {
                CauseKind.Internal => ("internal", null),
                CauseKind.Upstream => ("provider:" + incident.Cause.ProviderId, incident.Cause.ProviderName),
                _ => ("unknown", null),
            }
            : ("unknown", null);
}
