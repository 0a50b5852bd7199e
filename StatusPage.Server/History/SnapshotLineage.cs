using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// Which snapshot a live append made a snapshot from, and the subjects of the entries between them (issue 15, "flat"): an index
// over the whole history (every incident by start, the pages' versions) is then derived from an earlier snapshot's in the time
// of what changed, instead of rebuilt over every incident after each post. Every projection of an incident or maintenance
// changes the record of its entry's subject, so the subjects name every record that differs. Weak references: a chain of
// snapshots is never kept alive by its lineage, and an index whose ancestor was collected is simply rebuilt.
internal sealed class SnapshotLineage
{
    private static readonly ConditionalWeakTable<StatusSnapshot, SnapshotLineage> ByChild = [];

    // Tests set it (STATUSPAGE_CHECK_DERIVED_INDEXES=1): every derived index is also rebuilt and compared, and a difference throws.
    public static readonly bool Check = Environment.GetEnvironmentVariable("STATUSPAGE_CHECK_DERIVED_INDEXES") == "1";

    // How far back an index looks for an ancestor that has it (posts can come faster than pages are read).
    private const int MaxGenerations = 16;

    private readonly WeakReference<StatusSnapshot> _parent;
    private readonly ImmutableHashSet<string> _subjects;

    private SnapshotLineage(StatusSnapshot parent, ImmutableHashSet<string> subjects) => (_parent, _subjects) = (new(parent), subjects);

    public static void Record(StatusSnapshot parent, StatusSnapshot child, IEnumerable<LedgerEntry> entries) =>
        ByChild.AddOrUpdate(child, new SnapshotLineage(parent, [.. entries.Select(e => e.Subject)]));

    // The nearest ancestor of `child` that has an index in `table` (one `usable` accepts, when given), that index, and every
    // subject appended since; false if there is none alive within MaxGenerations, or an entry between them removed a record
    // (nothing does today: then every index is rebuilt).
    public static bool TryAncestor<T>(StatusSnapshot child, ConditionalWeakTable<StatusSnapshot, T> table,
        [NotNullWhen(true)] out StatusSnapshot? ancestor, [NotNullWhen(true)] out T? index, out ImmutableHashSet<string> subjects,
        Func<T, bool>? usable = null) where T : class
    {
        subjects = ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);
        var current = child;
        for (var generation = 0; generation < MaxGenerations; generation++)
        {
            if (!ByChild.TryGetValue(current, out var lineage) || !lineage._parent.TryGetTarget(out var parent))
            {
                break;
            }
            subjects = subjects.Union(lineage._subjects);
            if (parent.Incidents.Count > child.Incidents.Count || parent.Maintenances.Count > child.Maintenances.Count)
            {
                break;
            }
            if (table.TryGetValue(parent, out var found) && (usable is null || usable(found)))
            {
                (ancestor, index) = (parent, found);
                return true;
            }
            current = parent;
        }
        (ancestor, index) = (null, null);
        return false;
    }

    // The subjects of every entry appended from `ancestor` to `child` (none when they are the same snapshot); null when `ancestor`
    // is not within MaxGenerations of `child`'s recorded lineage (a restart, a reload, too many posts between the two).
    public static ImmutableHashSet<string>? SubjectsSince(StatusSnapshot child, StatusSnapshot ancestor)
    {
        var subjects = ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);
        var current = child;
        for (var generation = 0; generation < MaxGenerations && !ReferenceEquals(current, ancestor); generation++)
        {
            if (!ByChild.TryGetValue(current, out var lineage) || !lineage._parent.TryGetTarget(out var parent))
            {
                return null;
            }
            subjects = subjects.Union(lineage._subjects);
            current = parent;
        }
        return ReferenceEquals(current, ancestor) ? subjects : null;
    }

    // In check mode: a derived index must equal the one rebuilt from scratch.
    public static T Checked<T>(T derived, Func<T> rebuild, Func<T, T, bool> same, string index)
    {
        if (Check && !same(derived, rebuild()))
        {
            throw new InvalidOperationException($"Derived index ({index}) differs from the one rebuilt over the whole history.");
        }
        return derived;
    }
}
