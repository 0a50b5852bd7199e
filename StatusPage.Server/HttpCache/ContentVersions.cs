using System.Globalization;
using System.Runtime.CompilerServices;
using StatusPage.Server.History;

namespace StatusPage.Server.HttpCache;

// Which ledger entries a public address shows (issue 15): the seq of the last entry its content reads, so a page names the
// checkpoint that includes its content (not the newest one), its ETag follows its own content, and the static export renders
// it again only when that seq moved. Over-approximations are safe (a page changes more often than needed); a page missing an
// input here would claim an older checkpoint than its content, so each kind lists what it reads:
// - an incident (page, feeds, proof.json): its entries (posts, corrections, redactions, causes), the names of the components it
//   names, the providers its causes name and the providers observed on it (their names are in the observation sentences);
// - a maintenance (page, proof.json): its entries and its components' names;
// - a component (page, feeds, badge): its own entries, its group, and every incident and maintenance that names it;
// - a history month: the incidents that touched it, its maintenance windows, component names, the earliest start (its pager);
//   a month's SLA statement the same and every component's own entries; a provider page its own entries, the incidents ever
//   attributed to it or observed it in, every component's name and status timeline (its share of all downtime); a provider's
//   year page the same, with the incidents that began that year and the timelines until the year's end;
// - the site's feeds: the last public entry (not an operator's, token's or key's); the maintenance calendar: its maintenance
//   windows (as a maintenance page: entries and components' names); every other address (home, /history, /uptime, /sla,
//   /verify, providers, v2 JSON, site badge, not-found, the ledger API's head, checkpoint and key): the head;
// - the ledger's NDJSON (a chunk under /ledger/ndjson/, the first page of /api/v1/ledger): its last entry, or a later redaction
//   that erased a body in it.
// Some pages also change with the clock (MovesWithClock): uptime windows, running durations, overdue promises, the current
// month. Their bytes are a function of the ledger and the time of rendering; the export renders them again once their clock
// window (ClockWindow) moved.
internal sealed partial class ContentVersions
{
    private static readonly ConditionalWeakTable<StatusSnapshot, ContentVersions> BySnapshot = [];

    private readonly StatusSnapshot _snapshot;
    private readonly Lazy<Dictionary<string, long>> _byComponent;
    private readonly Lazy<long> _namesSeq;
    private readonly Lazy<long> _earliestSeq;
    private readonly Lazy<Dictionary<string, (long Redacted, long Bump)[]>> _redactions;
    private readonly Lazy<long> _maintenances;
    private readonly Lazy<DateTimeOffset> _earliestUnresolved;
    private MonthIndex? _months;
    private ProviderYearIndex? _providerYears;
    // Every incident's and maintenance's version in one pass over the history, built when an index that reads them all is
    // (components, providers, months) or when the export asks for every page (Prepare). A single page before that computes
    // its own subject's version: one incident page need not cost a pass over 10,000 incidents.
    private readonly Lazy<Dictionary<string, IncidentVersion>> _incidentTable;
    private readonly Lazy<Dictionary<string, long>> _maintenanceTable;

    private readonly record struct IncidentVersion(long Seq, bool Open);

    // The seq of each month's resolved incidents and maintenance windows in one zone (the site's): one pass for all month pages.
    private sealed record MonthIndex(TimeZoneInfo Zone, Dictionary<DateOnly, long> Seqs);

    // The seq of the incidents that began in each year attributed to or observed on each provider, in one zone, and of all of a
    // provider's (its page; the same whatever the zone): one pass for all provider pages.
    private sealed record ProviderYearIndex(TimeZoneInfo Zone, Dictionary<(string Provider, int Year), long> Seqs, Dictionary<string, long> All);

    private ContentVersions(StatusSnapshot snapshot)
    {
        _snapshot = snapshot;
        _incidentTable = new(DerivedOrBuiltIncidentTable);
        _maintenanceTable = new(DerivedOrBuiltMaintenanceTable);
        _byComponent = new(DerivedOrBuiltComponentSeqs);
        _namesSeq = new(() => snapshot.Components.Values.Select(NameSeq).DefaultIfEmpty(0).Max());
        _earliestSeq = new(EarliestSeq);
        _redactions = new(DerivedOrBuiltRedactions);
        _maintenances = new(() => snapshot.Maintenances.Values.Select(Of).DefaultIfEmpty(0).Max());
        _earliestUnresolved = new(() => snapshot.UnresolvedIncidents.Select(i => i.StartedAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Min());
    }

    // One per snapshot (computed lazily, dropped with it).
    public static ContentVersions Of(StatusSnapshot snapshot) => BySnapshot.GetValue(snapshot, s => new ContentVersions(s));

    // For a caller about to ask for every page (the export): every incident's and maintenance's version at once.
    public ContentVersions Prepare()
    {
        _ = _incidentTable.Value;
        _ = _maintenanceTable.Value;
        return this;
    }

    // The seq at which what `path` (without language prefix or query) shows last changed.
    public long SeqFor(string path, TimeZoneInfo zone, DateTimeOffset now) => SeqFor(Parts(path), zone, now);

    // Both at once, the path split once (the export asks for every page the previous export made: 77,000 at 100,000 entries).
    public (long Seq, bool MovesWithClock) VersionOf(string path, TimeZoneInfo zone, DateTimeOffset now)
    {
        var parts = Parts(path);
        return (SeqFor(parts, zone, now), MovesWithClock(parts, zone, now));
    }

    private static string[] Parts(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private long SeqFor(string[] parts, TimeZoneInfo zone, DateTimeOffset now)
    {
        return parts switch
        {
            ["incidents", var id, ..] when IncidentVersionOf(id) is { } incident => incident.Seq,
            ["maintenance", var id, ..] when MaintenanceSeqOf(id) is { } maintenance => maintenance,
            ["components", var id, ..] when _snapshot.Components.ContainsKey(id) => _byComponent.Value.GetValueOrDefault(id),
            ["history", var y, var m] when Month(y, m) is { } month => OfMonth(month, zone, now),
            // A month's SLA statement: the incidents and maintenance of that month, and the components (targets, status changes).
            ["sla", var y, var m] when Month(y, m) is { } month => Math.Max(OfMonth(month, zone, now),
                _snapshot.Components.Keys.Select(_snapshot.LastSeqOf).DefaultIfEmpty(0).Max()),
            // A provider's account shows its share of all downtime (every status timeline) and names components.
            ["providers", var id] when _snapshot.Providers.ContainsKey(id) => Max(_snapshot.LastSeqOf(id), ProviderYears(zone).All.GetValueOrDefault(id),
                StatusChangesBefore(DateTimeOffset.MaxValue), _namesSeq.Value),
            ["providers", var id, var y] when _snapshot.Providers.ContainsKey(id) && Year(y) is { } year => OfProviderYear(id, year, zone),
            ["history.atom"] or ["history.rss"] => _snapshot.LastPublicSeq,
            // The calendar lists every maintenance window with its components' names, nothing else of the ledger.
            ["maintenance.ics"] => _maintenances.Value,
            // The ledger's NDJSON: its range of entries, until a redaction erases a body in it.
            ["ledger", "ndjson", ..] when Transparency.TileLayout.Parse(string.Join('/', parts[1..])) is { } chunk =>
                OfEntries(chunk.Start, chunk.Start + chunk.Count),
            ["api", "v1", "ledger"] => OfEntries(0, LedgerApi.LedgerEndpoints.MaxPage),
            // The home page and the other site-wide pages show everything current; /verify and the ledger's files the head.
            _ => _snapshot.Head.Seq,
        };
    }

    // For any address but a history month or a provider's year (the only kinds that read the zone and the clock).
    public long SeqFor(string path) => SeqFor(path, TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch);

    // Whether `path` also changes with the clock alone (its bytes are then those of the ledger at the time of rendering).
    public bool MovesWithClock(string path, TimeZoneInfo zone, DateTimeOffset now) => MovesWithClock(Parts(path), zone, now);

    private bool MovesWithClock(string[] parts, TimeZoneInfo zone, DateTimeOffset now)
    {
        return parts switch
        {
            // An open incident shows its running duration and whether its next update is overdue.
            ["incidents", var id] => IncidentVersionOf(id) is not { Open: false },
            ["incidents", _, _] or ["maintenance", ..] => false,
            // Uptime figures and bars (the page, the badge); the feeds list posts only.
            ["components", _, "history.atom" or "history.rss"] => false,
            ["history" or "sla", var y, var m] when Month(y, m) is { } month => MonthMoves(month, zone, now),
            // The current year's account ends now; an earlier year's moves only while an incident that may be on it is open.
            ["providers", _, var y] when Year(y) is { } year => year >= Uptime.LocalYear.Of(now, zone)
                || _earliestUnresolved.Value < Uptime.LocalYear.Bounds(year, zone).To,
            ["history.atom"] or ["history.rss"] or ["verify"] or ["maintenance.ics"] or ["api", "v1", ..] or ["ledger", ..] => false,
            _ => true,
        };
    }

    // Entries [start, end) as published: they change when appended and when a redaction erases one of their bodies (the
    // redaction's subject's last seq over-approximates the redaction's own seq).
    private long OfEntries(long start, long end)
    {
        var seq = Math.Min(_snapshot.Head.Seq, end);
        foreach (var redactions in _redactions.Value.Values)
        {
            foreach (var (redacted, bump) in redactions)
            {
                seq = redacted > start && redacted <= end ? Math.Max(seq, bump) : seq;
            }
        }
        return seq;
    }

    // Every redacted post's seq with the last seq of its record (the redaction, or a later entry), by incident or maintenance.
    private Dictionary<string, (long Redacted, long Bump)[]> Redactions() => _snapshot.IncidentsNewestFirst.Select(i => (i.Id, RedactionsOf(i)))
        .Concat(_snapshot.Maintenances.Values.Select(m => (m.Id, RedactionsOf(m))))
        .Where(r => r.Item2.Length > 0).ToDictionary(r => r.Id, r => r.Item2, StringComparer.Ordinal);

    private (long Redacted, long Bump)[] RedactionsOf(Incident incident) =>
        [.. Facts(incident).Redacted.Select(seq => (seq, _snapshot.LastSeqOf(incident.Id)))];

    private (long Redacted, long Bump)[] RedactionsOf(Maintenance maintenance) =>
        [.. maintenance.Posts.Where(p => p.Redaction is not null).Select(p => (p.Seq, _snapshot.LastSeqOf(maintenance.Id)))];

    private IncidentVersion? IncidentVersionOf(string id)
    {
        if (_incidentTable.IsValueCreated)
        {
            return _incidentTable.Value.TryGetValue(id, out var version) ? version : null;
        }
        return _snapshot.Incidents.TryGetValue(id, out var incident) ? VersionOf(incident) : null;
    }

    private long? MaintenanceSeqOf(string id)
    {
        if (_maintenanceTable.IsValueCreated)
        {
            return _maintenanceTable.Value.TryGetValue(id, out var seq) ? seq : null;
        }
        return _snapshot.Maintenances.TryGetValue(id, out var maintenance) ? Compute(maintenance) : null;
    }

    // The component, provider and month indexes each read every incident's version: from the table, built once.
    private long Of(Incident incident) => _incidentTable.Value[incident.Id].Seq;

    private long Of(Maintenance maintenance) => _maintenanceTable.Value[maintenance.Id];

    private Dictionary<string, IncidentVersion> IncidentTable()
    {
        var table = new Dictionary<string, IncidentVersion>(_snapshot.Incidents.Count, StringComparer.Ordinal);
        foreach (var incident in _snapshot.IncidentsNewestFirst)
        {
            table.Add(incident.Id, VersionOf(incident));
        }
        return table;
    }

    private Dictionary<string, long> MaintenanceTable() => _snapshot.Maintenances.Values.ToDictionary(m => m.Id, Compute, StringComparer.Ordinal);

    private IncidentVersion VersionOf(Incident incident) => new(Compute(incident), incident.ResolvedAt is null);

    private long Compute(Incident incident)
    {
        var seq = _snapshot.LastSeqOf(incident.Id);
        foreach (var id in Facts(incident).Components)
        {
            seq = Math.Max(seq, _snapshot.Components.TryGetValue(id, out var component) ? NameSeq(component) : 0);
        }
        foreach (var provider in ProvidersOf(incident))
        {
            seq = Math.Max(seq, _snapshot.LastSeqOf(provider));
        }
        return seq;
    }

    // The providers an incident names: in its causes, and in the observations of their status pages recorded during it.
    private IEnumerable<string> ProvidersOf(Incident incident) =>
        incident.Causes.Select(c => c.Cause.ProviderId).OfType<string>()
            .Concat(_snapshot.ProviderObservations.TryGetValue(incident.Id, out var observed) ? observed.Select(o => o.ProviderId) : []);

    private long Compute(Maintenance maintenance)
    {
        var seq = _snapshot.LastSeqOf(maintenance.Id);
        foreach (var id in ComponentsOf(maintenance))
        {
            seq = Math.Max(seq, _snapshot.Components.TryGetValue(id, out var component) ? NameSeq(component) : 0);
        }
        return seq;
    }

    private static IEnumerable<string> NamedComponents(IEnumerable<string> ids, IEnumerable<Post> posts) =>
        ids.Concat(posts.SelectMany(p => p.ComponentChanges.Select(c => c.ComponentId)));

    // Once per maintenance record, as Facts for an incident: the tables and indexes read it after every post.
    private static readonly ConditionalWeakTable<Maintenance, string[]> ComponentsByMaintenance = [];

    private static string[] ComponentsOf(Maintenance maintenance) => ComponentsByMaintenance.GetValue(maintenance,
        static m => [.. NamedComponents(m.ComponentIds, m.Posts).Distinct(StringComparer.Ordinal)]);

    // What an incident's own record names, read once per incident record, not once per snapshot: a post makes a new snapshot
    // but leaves every other incident's record (an immutable instance) as it was, so each index pass reads these arrays only.
    private sealed record IncidentFacts(string[] Components, long[] Redacted);

    private static readonly ConditionalWeakTable<Incident, IncidentFacts> FactsByRecord = [];

    private static IncidentFacts Facts(Incident incident) => FactsByRecord.GetValue(incident, static i => new IncidentFacts(
        [.. NamedComponents(i.ComponentIds, i.AllPosts).Distinct(StringComparer.Ordinal)],
        [.. i.AllPosts.Where(p => p.Redaction is not null).Select(p => p.Seq)]));

    // A component's name, description and target come from its declarations (Revisions, in ledger order).
    private static long NameSeq(ServiceComponent component) => component.Revisions.IsEmpty ? 0 : component.Revisions[^1].Seq;

    private Dictionary<string, long> ComponentSeqs()
    {
        var seqs = _snapshot.Components.Values.ToDictionary(c => c.Id,
            c => Math.Max(_snapshot.LastSeqOf(c.Id), c.GroupId is { } group ? _snapshot.LastSeqOf(group) : 0), StringComparer.Ordinal);
        foreach (var incident in _snapshot.IncidentsNewestFirst)
        {
            Raise(seqs, Facts(incident).Components, Of(incident));
        }
        foreach (var maintenance in _snapshot.Maintenances.Values)
        {
            Raise(seqs, ComponentsOf(maintenance), Of(maintenance));
        }
        return seqs;
    }

    // A component's version is at least that of every record naming it (components not declared are not pages).
    private static void Raise(Dictionary<string, long> seqs, IEnumerable<string> ids, long seq)
    {
        foreach (var id in ids)
        {
            if (seqs.TryGetValue(id, out var current) && current < seq)
            {
                seqs[id] = seq;
            }
        }
    }

    private long OfMonth(DateOnly month, TimeZoneInfo zone, DateTimeOffset now)
    {
        var seq = Math.Max(Math.Max(_namesSeq.Value, _earliestSeq.Value), Months(zone).GetValueOrDefault(month));
        var (from, to) = Bounds(month, zone);
        // An open incident reaches every month from its start until now.
        foreach (var incident in _snapshot.IncidentsWithoutResolution)
        {
            if (incident.StartedAt < to && now >= from)
            {
                seq = Math.Max(seq, Of(incident));
            }
        }
        return seq;
    }

    // A resolved incident touches the months from its start's to its resolution's; a maintenance window the month it is scheduled in.
    private Dictionary<DateOnly, long> Months(TimeZoneInfo zone)
    {
        if (_months is not { } index || index.Zone != zone)
        {
            _months = index = DerivedOrBuiltMonths(zone);
        }
        return index.Seqs;
    }

    private MonthIndex BuildMonths(TimeZoneInfo zone)
    {
        var seqs = new Dictionary<DateOnly, long>();
        foreach (var incident in _snapshot.IncidentsNewestFirst)
        {
            RaiseMonths(seqs, incident, zone);
        }
        foreach (var maintenance in _snapshot.Maintenances.Values)
        {
            RaiseMonths(seqs, maintenance, zone);
        }
        return new MonthIndex(zone, seqs);
    }

    private void RaiseMonths(Dictionary<DateOnly, long> seqs, Incident incident, TimeZoneInfo zone)
    {
        if (ResolvedMonths(incident, zone) is var (first, last))
        {
            var seq = Of(incident);
            for (var month = first; month <= last; month = month.AddMonths(1))
            {
                seqs[month] = Math.Max(seqs.GetValueOrDefault(month), seq);
            }
        }
    }

    private void RaiseMonths(Dictionary<DateOnly, long> seqs, Maintenance maintenance, TimeZoneInfo zone)
    {
        if (InMonthPages(maintenance, zone) is { } month)
        {
            seqs[month] = Math.Max(seqs.GetValueOrDefault(month), Of(maintenance));
        }
    }

    // The month pages a resolved incident is on (none while it is open: OfMonth reads the open ones).
    private static (DateOnly First, DateOnly Last)? ResolvedMonths(Incident incident, TimeZoneInfo zone) =>
        incident.ResolvedAt is { } resolved
        && (Max(MonthOf(incident.StartedAt, zone), FirstMonth), Min(MonthOf(resolved, zone), LastMonth)) is var (first, last) && first <= last
            ? (first, last)
            : null;

    private static DateOnly? InMonthPages(Maintenance maintenance, TimeZoneInfo zone) =>
        MonthOf(maintenance.ScheduledFor, zone) is var month && month >= FirstMonth && month <= LastMonth ? month : null;

    // The months a history page exists for (Month): an index of the ledger's times outside them would only overflow (a hostile
    // ledger can state year 1 or 9999).
    private static readonly DateOnly FirstMonth = new(2000, 1, 1);
    private static readonly DateOnly LastMonth = new(2100, 12, 1);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    // The month whose Bounds hold `time` (the local date's month, checked against Bounds where a zone's midnight does not exist);
    // a time years outside the pages' months stands for the month just outside them.
    private static DateOnly MonthOf(DateTimeOffset time, TimeZoneInfo zone)
    {
        if (time.UtcDateTime.Year < FirstMonth.Year - 1)
        {
            return FirstMonth.AddMonths(-1);
        }
        if (time.UtcDateTime.Year > LastMonth.Year + 1)
        {
            return LastMonth.AddMonths(1);
        }
        var local = TimeZoneInfo.ConvertTime(time, zone);
        var month = new DateOnly(local.Year, local.Month, 1);
        var (from, to) = Bounds(month, zone);
        return time < from ? month.AddMonths(-1) : time >= to ? month.AddMonths(1) : month;
    }

    // A provider's year page: its own entries, the year's incidents that name it, the components' names, and every status
    // timeline until the year's end (all downtime recorded that year).
    private long OfProviderYear(string provider, int year, TimeZoneInfo zone) =>
        Max(_snapshot.LastSeqOf(provider), ProviderYears(zone).Seqs.GetValueOrDefault((provider, year)), _namesSeq.Value,
            StatusChangesBefore(Uptime.LocalYear.Bounds(year, zone).To));

    private static long Max(params ReadOnlySpan<long> seqs)
    {
        var max = 0L;
        foreach (var seq in seqs)
        {
            max = Math.Max(max, seq);
        }
        return max;
    }

    // The last entry that changed a status timeline before `end`, over every component: a change only alters a timeline from
    // its stated time on, so downtime recorded before `end` depends on these entries only.
    private long StatusChangesBefore(DateTimeOffset end)
    {
        var seq = 0L;
        foreach (var component in _snapshot.Components.Values)
        {
            seq = Math.Max(seq, Timelines.GetValue(component, static c => new StatusTimeline(c.Changes)).SeqBefore(end));
        }
        return seq;
    }

    // A component's changes in stated-time order (as kept) with the largest seq so far: once per component record, so a post
    // that changes one component's status recomputes that one only.
    private sealed class StatusTimeline
    {
        private readonly DateTimeOffset[] _at;
        private readonly long[] _maxSeq;

        public StatusTimeline(IReadOnlyCollection<StatusChange> changes)
        {
            (_at, _maxSeq) = (new DateTimeOffset[changes.Count], new long[changes.Count]);
            var (i, max) = (0, 0L);
            foreach (var change in changes)
            {
                max = Math.Max(max, change.Seq);
                (_at[i], _maxSeq[i]) = (change.At, max);
                i++;
            }
        }

        public long SeqBefore(DateTimeOffset end)
        {
            var (low, high) = (0, _at.Length); // the number of changes stated before `end`
            while (low < high)
            {
                var middle = (low + high) / 2;
                (low, high) = _at[middle] < end ? (middle + 1, high) : (low, middle);
            }
            return low == 0 ? 0 : _maxSeq[low - 1];
        }
    }

    private static readonly ConditionalWeakTable<ServiceComponent, StatusTimeline> Timelines = [];

    // Each provider's pages read the incidents attributed to it or observed on it.
    private ProviderYearIndex ProviderYears(TimeZoneInfo zone)
    {
        if (_providerYears is not { } index || index.Zone != zone)
        {
            _providerYears = index = DerivedOrBuiltProviderYears(zone);
        }
        return index;
    }

    private ProviderYearIndex BuildProviderYears(TimeZoneInfo zone)
    {
        var (seqs, all) = (new Dictionary<(string Provider, int Year), long>(), new Dictionary<string, long>(StringComparer.Ordinal));
        foreach (var incident in _snapshot.IncidentsNewestFirst)
        {
            RaiseProviders(seqs, all, incident, [.. ProvidersOf(incident)], zone);
        }
        return new ProviderYearIndex(zone, seqs, all);
    }

    private void RaiseProviders(Dictionary<(string Provider, int Year), long> seqs, Dictionary<string, long> all, Incident incident,
        List<string> providers, TimeZoneInfo zone)
    {
        if (providers.Count == 0)
        {
            return;
        }
        var (seq, year) = (Of(incident), Uptime.LocalYear.Of(incident.StartedAt, zone));
        foreach (var provider in providers)
        {
            seqs[(provider, year)] = Math.Max(seqs.GetValueOrDefault((provider, year)), seq);
            all[provider] = Math.Max(all.GetValueOrDefault(provider), seq);
        }
    }

    // The current and the previous month (the pager's "newer" link appears when a month ends), and any month an open incident
    // reaches (it touches every month until it is resolved).
    private bool MonthMoves(DateOnly month, TimeZoneInfo zone, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var current = new DateOnly(local.Year, local.Month, 1);
        var (_, to) = Bounds(month, zone);
        return month >= current.AddMonths(-1) || _earliestUnresolved.Value < to;
    }

    // The earliest start decides the archive's first month, so the pager of every month page.
    private long EarliestSeq()
    {
        // The oldest-first index's first: the earliest start, the lowest id among equals (as MinBy over every incident gave).
        var incident = _snapshot.IncidentsOldestFirst.FirstOrDefault();
        var maintenance = _snapshot.MaintenancesByStart.FirstOrDefault(); // the earliest start, the lowest id among equals
        return Math.Max(incident is null ? 0 : _snapshot.LastSeqOf(incident.Id), maintenance is null ? 0 : _snapshot.LastSeqOf(maintenance.Id));
    }

    private static (DateTimeOffset From, DateTimeOffset To) Bounds(DateOnly month, TimeZoneInfo zone) =>
        (Uptime.UptimeCalculator.StartOfDay(month, zone), Uptime.UptimeCalculator.StartOfDay(month.AddMonths(1), zone));

    private static int? Year(string year) =>
        int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && Uptime.LocalYear.HasPage(y) ? y : null;

    private static DateOnly? Month(string year, string month) =>
        int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 2100
        && int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 12
            ? new DateOnly(y, m, 1)
            : null;
}
