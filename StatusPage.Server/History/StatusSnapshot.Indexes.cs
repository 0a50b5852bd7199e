using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// The snapshot's indexes over every incident, each built once per snapshot (keyed by identity in a ConditionalWeakTable, so a
// `with` copy builds its own) and, after a post, brought from the previous snapshot's in the time of what the post changed
// (SnapshotLineage): pages read windows of a long history through them instead of walking all of it.
public sealed partial record StatusSnapshot
{
    // Every incident, newest start first (ties by id), once per snapshot (keyed by identity, so a `with` copy computes its own):
    // the pages and indexes that read the whole history walk this array, not the dictionary, whose enumeration walks a tree
    // (at 100,000 ledger entries that walk was a third of the static export's increment). After a post it is the previous
    // snapshot's with the post's incident moved (SnapshotLineage), not a sort of the history.
    public ImmutableArray<Incident> IncidentsNewestFirst => ImmutableCollectionsMarshal.AsImmutableArray(NewestFirst.GetValue(this,
        s => s.Ordered(NewestFirst, IncidentOrder.NewestFirst, static _ => true,
            () => [.. s.Incidents.Values.OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id, StringComparer.Ordinal)])));

    private static readonly ConditionalWeakTable<StatusSnapshot, Incident[]> NewestFirst = [];

    // Every incident, oldest start first (ties by id), once per snapshot: the providers' accounts list a period's incidents in
    // this order, for the providers page and every provider's page in every language after each post.
    public ImmutableArray<Incident> IncidentsOldestFirst => ImmutableCollectionsMarshal.AsImmutableArray(OldestFirst.GetValue(this,
        s => s.Ordered(OldestFirst, IncidentOrder.OldestFirst, static _ => true,
            () => [.. s.IncidentsNewestFirst.OrderBy(i => i.StartedAt).ThenBy(i => i.Id, StringComparer.Ordinal)])));

    private static readonly ConditionalWeakTable<StatusSnapshot, Incident[]> OldestFirst = [];

    // Every maintenance, earliest scheduled start first (ties by id), once per snapshot: the history pages find a month's windows
    // and the earliest start by binary search, and the calendar lists them in this order, instead of walking the dictionary's tree
    // in every page and language after each post.
    public ImmutableArray<Maintenance> MaintenancesByStart => ImmutableCollectionsMarshal.AsImmutableArray(ByStartArray());

    private Maintenance[] ByStartArray() =>
        ByStart.GetValue(this, static s => [.. s.Maintenances.Values.OrderBy(m => m.ScheduledFor).ThenBy(m => m.Id, StringComparer.Ordinal)]);

    private static readonly ConditionalWeakTable<StatusSnapshot, Maintenance[]> ByStart = [];

    // The maintenances scheduled to start in [from, to), earliest first.
    public IEnumerable<Maintenance> MaintenancesStartingWithin(DateTimeOffset from, DateTimeOffset to) =>
        TimeRange.Within(ByStartArray(), static m => m.ScheduledFor, from, to);

    // The maintenances not completed or cancelled (scheduled, in progress, verifying), earliest start first, once per snapshot:
    // the home page and three v2 files list them after each post.
    public ImmutableArray<Maintenance> MaintenancesNotDone => ImmutableCollectionsMarshal.AsImmutableArray(NotDone.GetValue(this,
        static s => [.. s.MaintenancesByStart.Where(m => m.Status is MaintenanceStatus.Scheduled or MaintenanceStatus.InProgress
            or MaintenanceStatus.Verifying)]));

    private static readonly ConditionalWeakTable<StatusSnapshot, Maintenance[]> NotDone = [];

    // Once per snapshot: an incident's Status reads its posts, and the home page, the feeds' versions and the month pages all ask
    // for the open ones of the whole history.
    public IEnumerable<Incident> UnresolvedIncidents => Unresolved.GetValue(this,
        s => s.Ordered(Unresolved, IncidentOrder.NewestFirst, IsUnresolved, () => [.. s.IncidentsNewestFirst.Where(IsUnresolved)]));

    private static readonly ConditionalWeakTable<StatusSnapshot, Incident[]> Unresolved = [];

    private static bool IsUnresolved(Incident incident) => incident.Status != IncidentStatus.Resolved;

    // The incidents that name a component, once per snapshot: uptime bars, component pages and their feeds would otherwise each
    // read every incident of the history for every component.
    public IReadOnlyList<Incident> IncidentsNaming(string componentId) =>
        ByComponent.GetValue(this, static s => s.IndexBy(ByComponent, static i => i.ComponentIds, "incidents-by-component index"))
            .GetValueOrDefault(componentId, []);

    private static readonly ConditionalWeakTable<StatusSnapshot, Dictionary<string, Incident[]>> ByComponent = [];

    // The incidents that name a component or whose posts changed its status, newest first, once per snapshot: a component's
    // feeds list both, and finding the second kind otherwise reads every post of the history.
    public IReadOnlyList<Incident> IncidentsConcerning(string componentId) =>
        Concerning.GetValue(this, static s => s.IndexBy(Concerning, ConcernedComponents, "incidents-concerning-component index"))
            .GetValueOrDefault(componentId, []);

    private static readonly ConditionalWeakTable<StatusSnapshot, Dictionary<string, Incident[]>> Concerning = [];

    private static IEnumerable<string> ConcernedComponents(Incident incident) =>
        incident.ComponentIds.Concat(incident.AllPosts.SelectMany(p => p.ComponentChanges.Select(c => c.ComponentId)));

    // The incidents whose cause names a provider now or did once, oldest start first, once per snapshot: the providers page and
    // every provider's pages read a provider's incidents, not every incident of the history, after each post.
    public IReadOnlyList<Incident> IncidentsEverAttributedTo(string providerId) =>
        EverAttributed.GetValue(this, static s => s.IndexBy(EverAttributed, ProvidersNamed, "incidents-attributed-to-provider index",
            oldestFirst: true)).GetValueOrDefault(providerId, []);

    private static readonly ConditionalWeakTable<StatusSnapshot, Dictionary<string, Incident[]>> EverAttributed = [];

    private static IEnumerable<string> ProvidersNamed(Incident incident) => incident.Causes.Select(a => a.Cause).Append(incident.Cause)
        .Where(c => c.Kind == CauseKind.Upstream).Select(c => c.ProviderId).OfType<string>();

    // The incidents whose span reaches `from` or later (started since, resolved since, or still open), newest start first, of
    // all of them or of those naming a component: the uptime bars and a month's history read a window of the history, not all
    // of it. The newest-first index is walked back only as far as the longest resolved span before `from`; open incidents that
    // started earlier come from their own small index.
    public IEnumerable<Incident> IncidentsReaching(DateTimeOffset from, string? componentId = null)
    {
        var spans = Spans.GetValue(this, s => s.SpanIndexOf());
        var incidents = componentId is null ? (IReadOnlyList<Incident>)IncidentsNewestFirst : IncidentsNaming(componentId);
        var reach = from.UtcTicks - DateTimeOffset.MinValue.UtcTicks > spans.Longest.Ticks ? from - spans.Longest : DateTimeOffset.MinValue;
        for (var i = 0; i < incidents.Count && incidents[i].StartedAt >= reach; i++)
        {
            if (incidents[i].StartedAt >= from || incidents[i].ResolvedAt is not { } resolved || resolved >= from)
            {
                yield return incidents[i];
            }
        }
        foreach (var open in spans.Open)
        {
            if (open.StartedAt < reach && (componentId is null || open.ComponentIds.Contains(componentId, StringComparer.Ordinal)))
            {
                yield return open;
            }
        }
    }

    // The incidents without a resolution time (open), newest first, once per snapshot: the open incidents' reach of every month.
    public IReadOnlyList<Incident> IncidentsWithoutResolution => Spans.GetValue(this, s => s.SpanIndexOf()).Open;

    // The longest span of a resolved incident (after a post: at least that, an upper bound is all IncidentsReaching needs) and
    // the incidents without a resolution time, newest first.
    private sealed record SpanIndex(TimeSpan Longest, Incident[] Open);

    private static readonly ConditionalWeakTable<StatusSnapshot, SpanIndex> Spans = [];

    private static TimeSpan SpanOf(Incident incident) =>
        incident.ResolvedAt is { } resolved && resolved > incident.StartedAt ? resolved - incident.StartedAt : TimeSpan.Zero;

    private SpanIndex SpanIndexOf()
    {
        SpanIndex Build() => new(IncidentsNewestFirst.Select(SpanOf).DefaultIfEmpty(TimeSpan.Zero).Max(),
            [.. IncidentsNewestFirst.Where(i => i.ResolvedAt is null)]);
        if (!SnapshotLineage.TryAncestor(this, Spans, out var ancestor, out var before, out var subjects)
            || IncidentOrder.Replace(before.Open, ancestor, this, subjects, IncidentOrder.NewestFirst, i => i.ResolvedAt is null) is not { } open)
        {
            return Build();
        }
        var longest = subjects.Select(id => Incidents.GetValueOrDefault(id)).OfType<Incident>().Select(SpanOf).Append(before.Longest).Max();
        return SnapshotLineage.Checked(new SpanIndex(longest, open), Build,
            (derived, rebuilt) => derived.Longest >= rebuilt.Longest && IncidentOrder.SameRecords(derived.Open, rebuilt.Open), "incident spans");
    }

    // The latest UpdatedAt of any incident, and of any maintenance (the v2 API's page updated_at, in every one of its files), once
    // per snapshot: after a post the previous one's raised by the records appended to, unless one of them went back (then every
    // record is read).
    public DateTimeOffset? LatestIncidentUpdate => LatestUpdates.GetValue(this, static s => new(s.LatestUpdateOf(LatestUpdates,
        static s => s.Incidents, static s => s.IncidentsNewestFirst, static i => i.UpdatedAt, "latest incident update"))).Value;

    public DateTimeOffset? LatestMaintenanceUpdate => LatestMaintenanceUpdates.GetValue(this, static s => new(s.LatestUpdateOf(
        LatestMaintenanceUpdates, static s => s.Maintenances, static s => s.Maintenances.Values, static m => m.UpdatedAt,
        "latest maintenance update"))).Value;

    private static readonly ConditionalWeakTable<StatusSnapshot, StrongBox<DateTimeOffset?>> LatestUpdates = [];
    private static readonly ConditionalWeakTable<StatusSnapshot, StrongBox<DateTimeOffset?>> LatestMaintenanceUpdates = [];

    private DateTimeOffset? LatestUpdateOf<T>(ConditionalWeakTable<StatusSnapshot, StrongBox<DateTimeOffset?>> table,
        Func<StatusSnapshot, IReadOnlyDictionary<string, T>> records, Func<StatusSnapshot, IEnumerable<T>> all, Func<T, DateTimeOffset> updatedAt,
        string name)
    {
        DateTimeOffset? Build() => all(this).Select(updatedAt).Select(t => (DateTimeOffset?)t).Max();
        if (!SnapshotLineage.TryAncestor(this, table, out var ancestor, out var before, out var subjects))
        {
            return Build();
        }
        var latest = before.Value;
        foreach (var id in subjects)
        {
            if (records(this).TryGetValue(id, out var record))
            {
                if (records(ancestor).TryGetValue(id, out var old) && updatedAt(record) < updatedAt(old))
                {
                    return Build();
                }
                latest = latest is { } l && l >= updatedAt(record) ? l : updatedAt(record);
            }
        }
        return SnapshotLineage.Checked(latest, Build, (a, b) => a == b, name);
    }

    // An index in `order` of the incidents `belongs` holds for: the nearest ancestor's brought up to this snapshot, or built.
    private Incident[] Ordered(ConditionalWeakTable<StatusSnapshot, Incident[]> table, IComparer<Incident> order, Func<Incident, bool> belongs,
        Func<Incident[]> build)
    {
        if (SnapshotLineage.TryAncestor(this, table, out var ancestor, out var before, out var subjects)
            && IncidentOrder.Replace(before, ancestor, this, subjects, order, belongs) is { } derived)
        {
            return SnapshotLineage.Checked(derived, build, IncidentOrder.SameRecords, "incident index");
        }
        return build();
    }

    // For each key (a component, a provider), the incidents `keysOf` gives it for, newest first (or oldest first): the
    // ancestor's lists with the post's incidents moved, for the keys they had or have, or built.
    private Dictionary<string, Incident[]> IndexBy(ConditionalWeakTable<StatusSnapshot, Dictionary<string, Incident[]>> table,
        Func<Incident, IEnumerable<string>> keysOf, string name, bool oldestFirst = false)
    {
        var (all, order) = oldestFirst ? (IncidentsOldestFirst, IncidentOrder.OldestFirst) : (IncidentsNewestFirst, IncidentOrder.NewestFirst);
        Dictionary<string, Incident[]> Build() => all
            .SelectMany(i => keysOf(i).Distinct(StringComparer.Ordinal).Select(c => (Key: c, Incident: i)))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Incident).ToArray(), StringComparer.Ordinal);
        if (!SnapshotLineage.TryAncestor(this, table, out var ancestor, out var before, out var subjects))
        {
            return Build();
        }
        var index = new Dictionary<string, Incident[]>(before, StringComparer.Ordinal);
        var touched = subjects.SelectMany(id => (ancestor.Incidents.TryGetValue(id, out var old) ? keysOf(old) : [])
            .Concat(Incidents.TryGetValue(id, out var current) ? keysOf(current) : [])).ToHashSet(StringComparer.Ordinal);
        foreach (var key in touched)
        {
            if (IncidentOrder.Replace(index.GetValueOrDefault(key, []), ancestor, this, subjects, order,
                    i => keysOf(i).Contains(key, StringComparer.Ordinal)) is not { } derived)
            {
                return Build();
            }
            if (derived.Length == 0)
            {
                index.Remove(key);
            }
            else
            {
                index[key] = derived;
            }
        }
        return SnapshotLineage.Checked(index, Build, (a, b) => a.Count == b.Count
            && a.All(p => b.TryGetValue(p.Key, out var other) && IncidentOrder.SameRecords(p.Value, other)), name);
    }
}
