using System.Collections.Immutable;

namespace StatusPage.Server.History;

// The orders the read model's incident indexes keep (start, then id: a total order, ids are unique), and how such an index is
// brought from an ancestor snapshot to a later one without sorting the whole history again (SnapshotLineage).
internal static class IncidentOrder
{
    public static readonly IComparer<Incident> NewestFirst = Comparer<Incident>.Create(static (a, b) =>
        b.StartedAt.CompareTo(a.StartedAt) is var byStart and not 0 ? byStart : string.CompareOrdinal(a.Id, b.Id));

    public static readonly IComparer<Incident> OldestFirst = Comparer<Incident>.Create(static (a, b) =>
        a.StartedAt.CompareTo(b.StartedAt) is var byStart and not 0 ? byStart : string.CompareOrdinal(a.Id, b.Id));

    // `before` (the ancestor's records that `belongs` holds for, in `order`) with each of `subjects`' records as `after` holds it:
    // the ancestor's record taken out, the later one put where the order places it. Null if an ancestor's record is not where the
    // order says (the index was not built this way): the caller rebuilds it.
    public static Incident[]? Replace(Incident[] before, StatusSnapshot ancestor, StatusSnapshot after, ImmutableHashSet<string> subjects,
        IComparer<Incident> order, Func<Incident, bool> belongs)
    {
        var list = new List<Incident>(before);
        foreach (var id in subjects)
        {
            if (ancestor.Incidents.TryGetValue(id, out var old) && belongs(old))
            {
                var index = list.BinarySearch(old, order);
                if (index < 0 || !ReferenceEquals(list[index], old))
                {
                    return null;
                }
                list.RemoveAt(index);
            }
        }
        foreach (var id in subjects)
        {
            if (after.Incidents.TryGetValue(id, out var current) && belongs(current))
            {
                var index = list.BinarySearch(current, order);
                if (index >= 0)
                {
                    return null;
                }
                list.Insert(~index, current);
            }
        }
        return [.. list];
    }

    public static bool SameRecords(Incident[] a, Incident[] b) => a.Length == b.Length && a.AsSpan().SequenceEqual(b, ReferenceEqualityComparer.Instance);
}
