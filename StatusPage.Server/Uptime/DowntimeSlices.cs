using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Uptime;

// A stretch of downtime on one component and the update that set its status (an incident's or maintenance's id; null for a
// status set on the component itself). Minutes are weighted by the published formula (major 1, partial 0.3).
internal sealed record DowntimeSlice(string ComponentId, string? SourceId, DateTimeOffset Start, DateTimeOffset End, double Minutes);

internal static class DowntimeSlices
{
    // The published formula's weights: a major outage counts whole, a partial one at PartialOutageWeight.
    public static double Weight(ComponentStatus status) => status switch
    {
        ComponentStatus.MajorOutage => 1.0,
        ComponentStatus.PartialOutage => UptimeCalculator.PartialOutageWeight,
        _ => 0.0,
    };

    public static IEnumerable<DowntimeSlice> In(StatusSnapshot snapshot, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var component in snapshot.Components.Values)
        {
            var known = KnownChanges.Of(component.Changes);
            var changes = known.All;
            // From the change in force at `from` to the last one before `to`: a month's statement costs that month, not the history.
            for (var i = Math.Max(0, known.FirstAfter(from) - 1); i < changes.Length && changes[i].At < to; i++)
            {
                var change = changes[i];
                var weight = Weight(change.Status);
                var start = change.At > from ? change.At : from;
                var next = i + 1 < changes.Length ? changes[i + 1].At : to;
                var end = next < to ? next : to;
                if (weight > 0 && end > start)
                {
                    yield return new DowntimeSlice(component.Id, change.SourceId, start, end, (end - start).TotalMinutes * weight);
                }
            }
        }
    }
}

// All downtime recorded up to `to`, read by source and by component as an all-time account reads it (the providers page and
// every provider's page, after each post): the slices between a component's changes are cut once per list of changes (a post
// that changes one component's status cuts and sums that one's again), and only each last change's slice is cut at `to`. The
// same slices, summed in the same order as DowntimeSlices.In(snapshot, MinValue, to) gives them, so the same sums to the last bit.
internal sealed class AllTimeDowntime
{
    private readonly List<(ClosedSlices Closed, DowntimeSlice? Tail)> _components;

    private AllTimeDowntime(List<(ClosedSlices, DowntimeSlice?)> components) => _components = components;

    // Null when a component's last change is after `to` (a window ending in the past, or a change stated ahead of `to`).
    public static AllTimeDowntime? Until(StatusSnapshot snapshot, DateTimeOffset to)
    {
        var components = new List<(ClosedSlices, DowntimeSlice?)>();
        foreach (var component in snapshot.Components.Values)
        {
            var changes = KnownChanges.Of(component.Changes).All;
            if (changes.Length == 0)
            {
                continue;
            }
            if (changes[^1].At > to)
            {
                return null;
            }
            var last = changes[^1];
            var weight = DowntimeSlices.Weight(last.Status);
            var tail = weight > 0 && to > last.At ? new DowntimeSlice(component.Id, last.SourceId, last.At, to, (to - last.At).TotalMinutes * weight) : null;
            components.Add((ClosedSlices.Of(component), tail));
        }
        return new AllTimeDowntime(components);
    }

    // The minutes an incident's or maintenance's updates set, by component in the snapshot's order: the same sums, to the bit, as
    // its slices cut over the whole history summed by component (each in slice order, the last change's slice last).
    public IEnumerable<(string ComponentId, double Minutes)> MinutesOf(string sourceId)
    {
        foreach (var (closed, tail) in _components)
        {
            var found = closed.MinutesBySource.TryGetValue(sourceId, out var minutes);
            if (tail is not null && tail.SourceId == sourceId)
            {
                (found, minutes) = (true, minutes + tail.Minutes);
            }
            if (found)
            {
                yield return (closed.ComponentId, minutes);
            }
        }
    }

    // Every component's downtime minutes (components without any are left out).
    public ImmutableDictionary<string, double> ByComponent()
    {
        var sums = ImmutableDictionary.CreateBuilder<string, double>();
        foreach (var (closed, tail) in _components)
        {
            if (closed.Count > 0 || tail is not null)
            {
                sums[closed.ComponentId] = tail is null ? closed.Minutes : closed.Minutes + tail.Minutes;
            }
        }
        return sums.ToImmutable();
    }

    // A component's slices but the last change's, once per list of changes.
    // MinutesBySource: each source's slices summed in order, as Enumerable.Sum adds them (from zero, one by one).
    private sealed record ClosedSlices(string ComponentId, Dictionary<string, double> MinutesBySource, int Count, double Minutes)
    {

        private static readonly ConditionalWeakTable<ImmutableList<StatusChange>, ClosedSlices> ByList = [];

        public static ClosedSlices Of(ServiceComponent component) =>
            ByList.GetValue(component.Changes, _ => Cut(component)) is var closed && closed.ComponentId == component.Id ? closed : Cut(component);

        private static ClosedSlices Cut(ServiceComponent component)
        {
            var changes = KnownChanges.Of(component.Changes).All;
            var slices = new List<DowntimeSlice>();
            var minutes = 0.0;
            for (var i = 0; i + 1 < changes.Length; i++)
            {
                var (change, end) = (changes[i], changes[i + 1].At);
                var weight = DowntimeSlices.Weight(change.Status);
                if (weight > 0 && end > change.At)
                {
                    var slice = new DowntimeSlice(component.Id, change.SourceId, change.At, end, (end - change.At).TotalMinutes * weight);
                    slices.Add(slice);
                    minutes += slice.Minutes;
                }
            }
            var bySource = slices.Where(s => s.SourceId is not null).GroupBy(s => s.SourceId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(s => s.Minutes), StringComparer.Ordinal);
            return new ClosedSlices(component.Id, bySource, slices.Count, minutes);
        }
    }
}
