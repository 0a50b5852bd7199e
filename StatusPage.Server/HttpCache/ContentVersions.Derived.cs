using System.Collections.Immutable;
using StatusPage.Server.History;

namespace StatusPage.Server.HttpCache;

// The indexes over every incident (the incident table, components', months' and providers' versions), brought from an
// ancestor snapshot's (SnapshotLineage) in the time of what the appended entries changed, instead of a pass over the whole
// history after each post (issue 15, "flat"). A derivation is exact only where a version can only rise: an incident's version
// rises with each entry about it, so an index entry it raised before is raised again — unless the record stopped reaching it
// (reopened, moved to another month or year, a component or provider no longer named): then the index is rebuilt. An entry
// about a component, group or provider changes the versions of records that were not appended to: rebuilt too.
// In check mode (SnapshotLineage.Check, set by the tests) each derived index is compared with the rebuilt one.
internal sealed partial class ContentVersions
{
    // The nearest ancestor's versions that hold the index `has` asks for, when only incidents and maintenances were appended to.
    private bool TryNarrow(Func<ContentVersions, bool> has, out ContentVersions ancestor, out ImmutableHashSet<string> subjects)
    {
        if (!SnapshotLineage.TryAncestor(_snapshot, BySnapshot, out _, out var found, out subjects, has))
        {
            ancestor = this;
            return false;
        }
        ancestor = found;
        var current = _snapshot;
        return subjects.All(s => !current.Components.ContainsKey(s) && !current.Groups.ContainsKey(s) && !current.Providers.ContainsKey(s));
    }

    // The records appended to: each incident as the ancestor had it (null if new) and as it is now.
    private IEnumerable<(Incident? Before, Incident After)> AppendedIncidents(ContentVersions ancestor, ImmutableHashSet<string> subjects) =>
        subjects.Where(_snapshot.Incidents.ContainsKey)
            .Select(id => (ancestor._snapshot.Incidents.GetValueOrDefault(id), _snapshot.Incidents[id]));

    private IEnumerable<(Maintenance? Before, Maintenance After)> AppendedMaintenances(ContentVersions ancestor, ImmutableHashSet<string> subjects) =>
        subjects.Where(_snapshot.Maintenances.ContainsKey)
            .Select(id => (ancestor._snapshot.Maintenances.GetValueOrDefault(id), _snapshot.Maintenances[id]));

    private Dictionary<string, IncidentVersion> DerivedOrBuiltIncidentTable()
    {
        if (!TryNarrow(v => v._incidentTable.IsValueCreated, out var ancestor, out var subjects))
        {
            return IncidentTable();
        }
        var table = new Dictionary<string, IncidentVersion>(ancestor._incidentTable.Value, StringComparer.Ordinal);
        foreach (var (_, incident) in AppendedIncidents(ancestor, subjects))
        {
            table[incident.Id] = VersionOf(incident);
        }
        return SnapshotLineage.Checked(table, IncidentTable, SameEntries, "incident version table");
    }

    private Dictionary<string, long> DerivedOrBuiltMaintenanceTable()
    {
        if (!TryNarrow(v => v._maintenanceTable.IsValueCreated, out var ancestor, out var subjects))
        {
            return MaintenanceTable();
        }
        var table = new Dictionary<string, long>(ancestor._maintenanceTable.Value, StringComparer.Ordinal);
        foreach (var (_, maintenance) in AppendedMaintenances(ancestor, subjects))
        {
            table[maintenance.Id] = Compute(maintenance);
        }
        return SnapshotLineage.Checked(table, MaintenanceTable, SameEntries, "maintenance version table");
    }

    // The ancestor's redactions with the appended records' read again (a redaction, or a later entry that raises its record's seq);
    // a redaction is never undone, so a record that had some still has them.
    private Dictionary<string, (long Redacted, long Bump)[]> DerivedOrBuiltRedactions()
    {
        if (!TryNarrow(v => v._redactions.IsValueCreated, out var ancestor, out var subjects))
        {
            return Redactions();
        }
        var redactions = new Dictionary<string, (long Redacted, long Bump)[]>(ancestor._redactions.Value, StringComparer.Ordinal);
        var appended = AppendedIncidents(ancestor, subjects).Select(a => (a.After.Id, RedactionsOf(a.After)))
            .Concat(AppendedMaintenances(ancestor, subjects).Select(a => (a.After.Id, RedactionsOf(a.After))));
        foreach (var (id, ofRecord) in appended)
        {
            if (ofRecord.Length > 0)
            {
                redactions[id] = ofRecord;
            }
        }
        return SnapshotLineage.Checked(redactions, Redactions,
            (a, b) => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && p.Value.SequenceEqual(other)), "redactions");
    }

    private Dictionary<string, long> DerivedOrBuiltComponentSeqs()
    {
        if (!TryNarrow(v => v._byComponent.IsValueCreated, out var ancestor, out var subjects))
        {
            return ComponentSeqs();
        }
        var seqs = new Dictionary<string, long>(ancestor._byComponent.Value, StringComparer.Ordinal);
        foreach (var (before, after) in AppendedIncidents(ancestor, subjects))
        {
            if (before is not null && !Facts(before).Components.All(Facts(after).Components.Contains))
            {
                return ComponentSeqs();
            }
            Raise(seqs, Facts(after).Components, Of(after));
        }
        foreach (var (before, after) in AppendedMaintenances(ancestor, subjects))
        {
            if (before is not null && !ComponentsOf(before).All(ComponentsOf(after).Contains))
            {
                return ComponentSeqs();
            }
            Raise(seqs, ComponentsOf(after), Of(after));
        }
        return SnapshotLineage.Checked(seqs, ComponentSeqs, SameEntries, "components' versions");
    }

    private MonthIndex DerivedOrBuiltMonths(TimeZoneInfo zone)
    {
        if (!TryNarrow(v => v._months?.Zone == zone, out var ancestor, out var subjects))
        {
            return BuildMonths(zone);
        }
        var seqs = new Dictionary<DateOnly, long>(ancestor._months!.Seqs);
        foreach (var (before, after) in AppendedIncidents(ancestor, subjects))
        {
            var (was, now) = (before is null ? null : ResolvedMonths(before, zone), ResolvedMonths(after, zone));
            if (was is { } w && (now is not { } n || w.First < n.First || w.Last > n.Last))
            {
                return BuildMonths(zone);
            }
            RaiseMonths(seqs, after, zone);
        }
        foreach (var (before, after) in AppendedMaintenances(ancestor, subjects))
        {
            if (before is not null && InMonthPages(before, zone) is { } was && was != InMonthPages(after, zone))
            {
                return BuildMonths(zone);
            }
            RaiseMonths(seqs, after, zone);
        }
        return SnapshotLineage.Checked(new MonthIndex(zone, seqs), () => BuildMonths(zone), (a, b) => SameEntries(a.Seqs, b.Seqs), "months' versions");
    }

    private ProviderYearIndex DerivedOrBuiltProviderYears(TimeZoneInfo zone)
    {
        if (!TryNarrow(v => v._providerYears?.Zone == zone, out var ancestor, out var subjects))
        {
            return BuildProviderYears(zone);
        }
        var (seqs, all) = (new Dictionary<(string, int), long>(ancestor._providerYears!.Seqs),
            new Dictionary<string, long>(ancestor._providerYears.All, StringComparer.Ordinal));
        foreach (var (before, after) in AppendedIncidents(ancestor, subjects))
        {
            var (was, now) = (before is null ? [] : ancestor.ProvidersOf(before).ToList(), ProvidersOf(after).ToList());
            if (was.Count > 0 && (!was.All(now.Contains) || Uptime.LocalYear.Of(before!.StartedAt, zone) != Uptime.LocalYear.Of(after.StartedAt, zone)))
            {
                return BuildProviderYears(zone);
            }
            RaiseProviders(seqs, all, after, now, zone);
        }
        return SnapshotLineage.Checked(new ProviderYearIndex(zone, seqs, all), () => BuildProviderYears(zone),
            (a, b) => SameEntries(a.Seqs, b.Seqs) && SameEntries(a.All, b.All), "providers' versions");
    }

    private static bool SameEntries<TKey, TValue>(Dictionary<TKey, TValue> a, Dictionary<TKey, TValue> b) where TKey : notnull =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && EqualityComparer<TValue>.Default.Equals(p.Value, other));
}
