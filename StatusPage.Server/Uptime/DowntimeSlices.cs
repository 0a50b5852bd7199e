using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Uptime;

// A stretch of downtime on one component and the update that set its status (an incident's or maintenance's id; null for a
// status set on the component itself). Minutes are weighted by the published formula (major 1, partial 0.3).
internal sealed record DowntimeSlice(string ComponentId, string? SourceId, DateTimeOffset Start, DateTimeOffset End, double Minutes);

internal static class DowntimeSlices
{
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
                var weight = change.Status switch
                {
                    ComponentStatus.MajorOutage => 1.0,
                    ComponentStatus.PartialOutage => UptimeCalculator.PartialOutageWeight,
                    _ => 0.0,
                };
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
