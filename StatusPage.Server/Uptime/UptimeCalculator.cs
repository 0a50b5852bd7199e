using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Uptime;

// One day of a component's uptime bar: the worst status it had that day, its uptime (null: no eligible minute), the incidents
// that touched it and the backfilled status changes (recorded later than stated) that changed it.
public sealed record UptimeDay(DateOnly Date, ComponentStatus Worst, double? Uptime, ImmutableArray<Incident> Incidents,
    ImmutableArray<StatusChange> Backfilled);

internal sealed record UptimeFigure(TimeSpan Window, double? Percent, double DowntimeMinutes, double EligibleMinutes);

// The published rules (README "Uptime", stated on /uptime): downtime = major + 0.3 × partial minutes; maintenance is not
// eligible, nor is any minute before the component's first record; windows are N × 24 h ending at a whole minute.
internal static class UptimeCalculator
{
    public const double PartialOutageWeight = 0.3;

    public static readonly ImmutableArray<int> WindowDays = [30, 90, 365];

    // Three decimals, rounded down: 100.000 only without any downtime, and a figure never shows above its target when it is below.
    public static string Digits(double percent, IFormatProvider culture) =>
        (Math.Floor((decimal)percent * 1000) / 1000).ToString("0.000", culture);

    // Figures are computed up to the start of the current minute, which the page states, so anyone can recompute them.
    public static DateTimeOffset AsOf(DateTimeOffset now) => new(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    // The component's first record: its declaration or, for history backfilled before it, its earliest stated status change.
    public static DateTimeOffset EligibleFrom(ServiceComponent component) =>
        component.Changes.IsEmpty || component.CreatedAt <= component.Changes[0].At ? component.CreatedAt : component.Changes[0].At;

    public static UptimeFigure Compute(ServiceComponent component, DateTimeOffset from, DateTimeOffset to)
    {
        var start = Later(from, EligibleFrom(component));
        return Figure(from, start, to, Intervals(component, start, to));
    }

    // The same window as the ledger knew it minute by minute: each change counts from when it was recorded, not from when it is
    // stated to have happened. Imported history (content files) is the site's starting record and counts from its stated times.
    public static UptimeFigure ComputeAsRecorded(ServiceComponent component, DateTimeOffset from, DateTimeOffset to)
    {
        if (!KnownChanges.Of(component.Changes).AnyKnownLate)
        {
            return Compute(component, from, to);
        }
        var start = Later(from, EligibleFrom(component));
        return Figure(from, start, to, IntervalsAsRecorded(component, start, to));
    }

    // Eligible minutes run from `start` (the window's start or the component's first record, whichever is later) to `to`.
    private static UptimeFigure Figure(DateTimeOffset from, DateTimeOffset start, DateTimeOffset to,
        IEnumerable<(DateTimeOffset Start, DateTimeOffset End, ComponentStatus Status)> intervals)
    {
        double down = 0, maintenance = 0;
        foreach (var (begin, end, status) in intervals)
        {
            var minutes = (end - begin).TotalMinutes;
            down += status switch
            {
                ComponentStatus.MajorOutage => minutes,
                ComponentStatus.PartialOutage => minutes * PartialOutageWeight,
                _ => 0,
            };
            maintenance += status == ComponentStatus.UnderMaintenance ? minutes : 0;
        }
        var eligible = (start < to ? (to - start).TotalMinutes : 0) - maintenance;
        return new UptimeFigure(to - from, eligible <= 0 ? null : 100 * (1 - down / eligible), down, eligible);
    }

    public static ImmutableArray<UptimeDay> Days(StatusSnapshot snapshot, ServiceComponent component, TimeZoneInfo zone,
        DateTimeOffset now, int count)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var first = today.AddDays(1 - count);
        var touching = new Dictionary<DateOnly, List<Incident>>();
        var firstStart = StartOfDay(first, zone);
        // The window's incidents only (an open one reaches now, which is after firstStart), not every incident of a long history.
        foreach (var incident in snapshot.IncidentsReaching(firstStart, component.Id).OrderBy(i => i.StartedAt))
        {
            foreach (var day in DaysTouched(incident.StartedAt, incident.ResolvedAt ?? now, zone, now).Where(d => d >= first))
            {
                (touching.TryGetValue(day, out var list) ? list : touching[day] = []).Add(incident);
            }
        }
        var since = EligibleFrom(component);
        var days = ImmutableArray.CreateBuilder<UptimeDay>(count);
        for (var date = first; date <= today; date = date.AddDays(1))
        {
            var start = StartOfDay(date, zone);
            var end = date == today ? now : StartOfDay(date.AddDays(1), zone);
            var worst = Intervals(component, Later(start, since), end).Select(i => i.Status).DefaultIfEmpty(ComponentStatus.Operational)
                .MaxBy(ComponentSeverity.Of);
            days.Add(new UptimeDay(date, worst, end > start ? Compute(component, start, end).Percent : null,
                touching.TryGetValue(date, out var incidents) ? [.. incidents] : [], BackfilledIn(component, start, end)));
        }
        return days.MoveToImmutable();
    }

    // The calendar days (in `zone`) from `from` to `to`, both included; an incident stated up to the tolerance ahead of the
    // clock touches the day it starts. Times are first bounded to the plausible range, so an absurd stored time costs nothing.
    public static IEnumerable<DateOnly> DaysTouched(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, DateTimeOffset now)
    {
        DateOnly DayOf(DateTimeOffset t) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Bounded(t, now), zone).DateTime);
        var last = DayOf(to > from ? to : from);
        for (var day = DayOf(from); day <= last; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    // A stated time within the plausible range, as DaysTouched counts it: the days touched run from Bounded(from) to Bounded(to).
    public static DateTimeOffset Bounded(DateTimeOffset time, DateTimeOffset now) =>
        time < Limits.EarliestTime ? Limits.EarliestTime : time > now + Limits.PlanningHorizon ? now + Limits.PlanningHorizon : time;

    // Backfilled changes (not imported history) whose status was in force during [start, end): they changed that stretch.
    public static ImmutableArray<StatusChange> BackfilledIn(ServiceComponent component, DateTimeOffset start, DateTimeOffset end)
    {
        var known = KnownChanges.Of(component.Changes);
        var changes = known.All;
        var found = ImmutableArray.CreateBuilder<StatusChange>();
        // From the change in force at `start`: one that ended by then has no say (and a day's bar must not cost the whole history).
        for (var i = Math.Max(0, known.FirstAfter(start) - 1); i < changes.Length && changes[i].At < end; i++)
        {
            var until = i + 1 < changes.Length ? changes[i + 1].At : DateTimeOffset.MaxValue;
            if (KnownChanges.IsKnownLate(changes[i]) && until > start)
            {
                found.Add(changes[i]);
            }
        }
        return found.ToImmutable();
    }

    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    // The component's status over [from, to) as consecutive intervals, from its changes in stated-time order, ties in ledger order
    // (operational before the first).
    public static IEnumerable<(DateTimeOffset Start, DateTimeOffset End, ComponentStatus Status)> Intervals(ServiceComponent component,
        DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            yield break;
        }
        var known = KnownChanges.Of(component.Changes);
        var changes = known.All;
        var index = known.FirstAfter(from);
        var status = index == 0 ? ComponentStatus.Operational : changes[index - 1].Status;
        var cursor = from;
        for (; index < changes.Length && changes[index].At < to; index++)
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

    // As Intervals, but at each instant only the changes recorded by then count (a change is known from its recorded time, or its
    // stated time if it was not backfilled or was imported). The status can change at a stated time or at a recorded time.
    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End, ComponentStatus Status)> IntervalsAsRecorded(
        ServiceComponent component, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            yield break;
        }
        var changes = KnownChanges.Of(component.Changes);
        DateTimeOffset[] cuts = [.. changes.CutsWithin(from, to), to];
        var cursor = from;
        foreach (var cut in cuts)
        {
            var status = ComponentStatus.Operational;
            // Changes are in stated-time order: none after FirstAfter can be in force at `cursor`.
            for (var i = changes.FirstAfter(cursor) - 1; i >= 0; i--)
            {
                if (changes.All[i].At <= cursor && changes.KnownFrom[i] <= cursor)
                {
                    status = changes.All[i].Status;
                    break;
                }
            }
            yield return (cursor, cut, status);
            cursor = cut;
        }
    }
}
