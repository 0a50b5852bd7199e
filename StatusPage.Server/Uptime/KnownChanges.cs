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
        _stated = [.. All.Select(c => c.At)];
        KnownFrom = [.. All.Select(c => IsKnownLate(c) ? c.RecordedAt!.Value : c.At)];
        AnyKnownLate = All.Any(IsKnownLate);
        _cuts = new(() => [.. _stated.Concat(KnownFrom).Distinct().Order()]);
    }

    private readonly DateTimeOffset[] _stated;
    private readonly Lazy<DateTimeOffset[]> _cuts;

    public StatusChange[] All { get; }

    public DateTimeOffset[] KnownFrom { get; }

    public bool AnyKnownLate { get; }

    public static KnownChanges Of(ImmutableList<StatusChange> changes) => ByList.GetValue(changes, list => new KnownChanges(list));

    // Every instant at which the status as recorded can change (a stated time or a time a change became known), in order, once
    // per list: the uptime page's as-recorded windows cut each window at those inside it, per component, window and language.
    public ArraySegment<DateTimeOffset> CutsWithin(DateTimeOffset from, DateTimeOffset to)
    {
        var cuts = _cuts.Value;
        var (first, end) = (Search(cuts, from, after: true), Search(cuts, to, after: false));
        return first < end ? new(cuts, first, end - first) : ArraySegment<DateTimeOffset>.Empty;
    }

    // Binary search in an ordered array: the first index after `at` (or at or after it).
    private static int Search(DateTimeOffset[] times, DateTimeOffset at, bool after)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (after ? times[mid] <= at : times[mid] < at)
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

    // The index of the first change stated strictly after `at`.
    public int FirstAfter(DateTimeOffset at) => Search(_stated, at, after: true);

    // Backfilled and not imported history: known only from its recorded time.
    public static bool IsKnownLate(StatusChange change) => change.IsBackfilled && !change.IsImported;

    // The 50 changes recorded late most recently (latest recorded first, ties by seq), once per list: a component's page lists
    // them in every language after every post, and a component's status changes run to thousands on a long history.
    public StatusChange[] LatestKnownLate => _latestKnownLate ??=
        [.. All.Where(IsKnownLate).OrderByDescending(c => c.RecordedAt).ThenByDescending(c => c.Seq).Take(50)];

    private StatusChange[]? _latestKnownLate;
}
