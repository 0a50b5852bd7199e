using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using StatusPage.Server.History;

namespace StatusPage.Server.Uptime;

// A component's changes as arrays, made once per list of changes (a component record keeps its list until its status changes):
// uptime windows and downtime slices index them at every step, and an ImmutableList's indexer walks its tree; at 100,000
// entries those walks were most of the uptime and providers pages' renders. KnownFrom: a change is known from its recorded
// time, or its stated time if it was not backfilled or was imported.
internal sealed class KnownChanges
{
    private static readonly ConditionalWeakTable<ImmutableList<StatusChange>, KnownChanges> ByList = [];

    private KnownChanges(ImmutableList<StatusChange> list)
    {
        All = [.. list];
        KnownFrom = [.. All.Select(c => IsKnownLate(c) ? c.RecordedAt!.Value : c.At)];
        AnyKnownLate = All.Any(IsKnownLate);
    }

    public StatusChange[] All { get; }

    public DateTimeOffset[] KnownFrom { get; }

    public bool AnyKnownLate { get; }

    public static KnownChanges Of(ImmutableList<StatusChange> changes) => ByList.GetValue(changes, list => new KnownChanges(list));

    // Binary search: the index of the first change stated strictly after `at`.
    public int FirstAfter(DateTimeOffset at)
    {
        int lo = 0, hi = All.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (All[mid].At <= at)
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

    // Backfilled and not imported history: known only from its recorded time.
    public static bool IsKnownLate(StatusChange change) => change.IsBackfilled && !change.IsImported;
}
