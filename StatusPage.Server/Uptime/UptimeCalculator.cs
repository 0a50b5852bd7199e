using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Uptime;

// One day of a component's uptime bar: the worst status it had that day and the incidents that touched it.
public sealed record UptimeDay(DateOnly Date, ComponentStatus Worst, double Uptime, ImmutableArray<Incident> Incidents);

public sealed record UptimeFigure(TimeSpan Window, double? Percent, double DowntimeMinutes, double EligibleMinutes);

// The published formula (docs/DESIGN.md "Uptime"): downtime = major + 0.3 × partial minutes; maintenance is not eligible.
public static class UptimeCalculator
{
    public const double PartialOutageWeight = 0.3;

    public static UptimeFigure Compute(ServiceComponent component, DateTimeOffset from, DateTimeOffset to)
    {
        double down = 0, maintenance = 0;
        foreach (var (start, end, status) in Intervals(component, from, to))
        {
            var minutes = (end - start).TotalMinutes;
            down += status switch
            {
                ComponentStatus.MajorOutage => minutes,
                ComponentStatus.PartialOutage => minutes * PartialOutageWeight,
                _ => 0,
            };
            maintenance += status == ComponentStatus.UnderMaintenance ? minutes : 0;
        }
        var eligible = (to - from).TotalMinutes - maintenance;
        return new UptimeFigure(to - from, eligible <= 0 ? null : 100 * (1 - down / eligible), down, eligible);
    }

    public static ImmutableArray<UptimeDay> Days(StatusSnapshot snapshot, ServiceComponent component, TimeZoneInfo zone,
        DateTimeOffset now, int count)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var related = snapshot.Incidents.Values.Where(i => i.ComponentIds.Contains(component.Id)).ToList();
        var days = ImmutableArray.CreateBuilder<UptimeDay>(count);
        for (var offset = count - 1; offset >= 0; offset--)
        {
            var date = today.AddDays(-offset);
            var start = StartOfDay(date, zone);
            var end = offset == 0 ? now : StartOfDay(date.AddDays(1), zone);
            var worst = Intervals(component, start, end).Select(i => i.Status).DefaultIfEmpty(ComponentStatus.Operational)
                .MaxBy(ComponentSeverity.Of);
            var touching = related.Where(i => i.StartedAt < end && (i.ResolvedAt ?? now) >= start)
                .OrderBy(i => i.StartedAt).ToImmutableArray();
            days.Add(new UptimeDay(date, worst, end > start ? Compute(component, start, end).Percent ?? 100 : 100, touching));
        }
        return days.MoveToImmutable();
    }

    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    // The component's status over [from, to) as consecutive intervals, from its recorded changes (operational before the first).
    public static IEnumerable<(DateTimeOffset Start, DateTimeOffset End, ComponentStatus Status)> Intervals(ServiceComponent component,
        DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            yield break;
        }
        var changes = component.Changes;
        var index = FirstAfter(changes, from);
        var status = index == 0 ? ComponentStatus.Operational : changes[index - 1].Status;
        var cursor = from;
        for (; index < changes.Count && changes[index].At < to; index++)
        {
            if (changes[index].At > cursor)
            {
                yield return (cursor, changes[index].At, status);
                cursor = changes[index].At;
            }
            status = changes[index].Status;
        }
        yield return (cursor, to, status);
    }

    // Binary search: the index of the first change strictly after `at`.
    private static int FirstAfter(ImmutableList<StatusChange> changes, DateTimeOffset at)
    {
        int lo = 0, hi = changes.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (changes[mid].At <= at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
