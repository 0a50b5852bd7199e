using System.Collections.Immutable;
using System.Runtime.InteropServices;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Recurrence;
using StatusPage.Server.Uptime;

namespace StatusPage.Server.Providers;

// One attribution of an incident's cause, in ledger order: what it named, when it was recorded and by whom.
public sealed record Attribution(CauseKind Kind, string? ProviderId, string? ProviderName, string? Ticket, DateTimeOffset RecordedAt,
    string Author);

public sealed record ComponentDowntime(string ComponentId, string Name, double Minutes);

// What the providers page lists for one provider: the incidents attributed to it and the downtime they caused, as its account.
public sealed record ProviderTotals(UpstreamProvider Provider, int Incidents, double DowntimeMinutes);

// An incident attributed to the provider, with what the report tables show: times, tickets, and the downtime it caused. Its
// attributions are the whole history, so an incident re-attributed to or from the provider says so.
public sealed record ProviderIncident(
    Incident Incident,
    ImmutableArray<Attribution> Attributions,
    DateTimeOffset? End,
    TimeSpan Duration,
    ImmutableArray<string> Tickets,
    ImmutableArray<ComponentDowntime> Downtime)
{
    public double DowntimeMinutes => Downtime.Sum(d => d.Minutes);

    public Post? FirstUpdate => Incident.Updates.FirstOrDefault();

    public Post? LastUpdate => Incident.LatestUpdate;

    public bool WasReattributed => Attributions.Length > 1;

    // What the provider's own status page said during the incident (provider.status_observed), oldest first.
    public ImmutableArray<ProviderObservation> Observations { get; init; } = [];
}

// What a provider's incidents cost over [From, To): the incidents that began then, the downtime they caused per component
// (by the published uptime formula), that downtime's share of all recorded downtime, and the recurrence findings. Former
// lists the incidents once attributed to the provider and re-attributed since: shown, not counted.
public sealed record ProviderAccount(
    UpstreamProvider Provider,
    DateTimeOffset From,
    DateTimeOffset To,
    ImmutableArray<ProviderIncident> Incidents,
    ImmutableArray<ComponentDowntime> DowntimeByComponent,
    ImmutableDictionary<string, double> AllDowntimeByComponent,
    RecurrenceReport Recurrence)
{
    public ImmutableArray<ProviderIncident> Former { get; init; } = [];

    public double DowntimeMinutes => DowntimeByComponent.Sum(d => d.Minutes);

    public double AllDowntimeMinutes => AllDowntimeByComponent.Values.Sum();

    public double? Share => AllDowntimeMinutes > 0 ? DowntimeMinutes / AllDowntimeMinutes : null;

    public ImmutableArray<string> Tickets => [.. Incidents.SelectMany(i => i.Tickets).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static ProviderAccount For(StatusSnapshot snapshot, UpstreamProvider provider, DateTimeOffset from, DateTimeOffset to,
        TimeZoneInfo zone) => Of(new PeriodFacts(snapshot, from, to), provider, zone);

    // Every provider's totals over one period (the providers page): the period's downtime and incidents are read once, not per
    // provider, and neither recurrence findings nor former incidents are computed (the page shows neither; at 100,000 entries
    // they were half of its render). The figures are the accounts' own (the same code sums them).
    public static ImmutableArray<ProviderTotals> TotalsForEach(StatusSnapshot snapshot, IEnumerable<UpstreamProvider> providers,
        DateTimeOffset from, DateTimeOffset to)
    {
        var period = new PeriodFacts(snapshot, from, to);
        return [.. providers.Select(provider =>
        {
            // Only the downtime of each attributed incident, summed by component in the incidents' order as ByComponent sums it
            // (no list per incident: at 100,000 entries those were most of the page's render).
            var (count, sums) = (0, new Dictionary<string, double>(StringComparer.Ordinal));
            foreach (var incident in period.AttributedTo(provider))
            {
                count++;
                foreach (var (component, minutes) in period.MinutesOf(incident.Id))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(sums, component, out _) += minutes;
                }
            }
            return new ProviderTotals(provider, count,
                InTableOrder(sums.Select(p => new ComponentDowntime(p.Key, NameOf(snapshot, p.Key), p.Value))).Sum(d => d.Minutes));
        })];
    }

    // What every provider's account of a period shares: the downtime slices, by incident; and each provider's incidents in it.
    private sealed class PeriodFacts
    {
        public PeriodFacts(StatusSnapshot snapshot, DateTimeOffset from, DateTimeOffset to)
        {
            (Snapshot, From, To) = (snapshot, from, to);
            if (from == DateTimeOffset.MinValue && AllTimeDowntime.Until(snapshot, to) is { } allTime)
            {
                // An all-time account up to now: the slices between changes are cut and summed once, not again for every page
                // after a post.
                _minutesOf = allTime.MinutesOf;
                _all = new(allTime.ByComponent);
                return;
            }
            var slices = DowntimeSlices.In(snapshot, from, to).ToList();
            // By incident once: a lookup per attributed incident instead of a scan of every slice (quadratic over a long history).
            var bySource = slices.Where(s => s.SourceId is not null).ToLookup(s => s.SourceId!, StringComparer.Ordinal);
            _minutesOf = id => bySource[id].GroupBy(s => s.ComponentId).Select(g => (g.Key, g.Sum(s => s.Minutes)));
            // Only an account shows the share of all downtime; the providers page's totals do not read it.
            _all = new(() => slices.GroupBy(s => s.ComponentId).ToImmutableDictionary(g => g.Key, g => g.Sum(s => s.Minutes)));
        }

        private readonly Func<string, IEnumerable<(string ComponentId, double Minutes)>> _minutesOf;
        private readonly Lazy<ImmutableDictionary<string, double>> _all;

        public StatusSnapshot Snapshot { get; }
        public DateTimeOffset From { get; }
        public DateTimeOffset To { get; }
        public ImmutableDictionary<string, double> All => _all.Value;

        // The downtime minutes an incident's updates set in the period, summed by component in the snapshot's component order.
        public IEnumerable<(string ComponentId, double Minutes)> MinutesOf(string incidentId) => _minutesOf(incidentId);

        // The period's incidents whose current cause names the provider.
        public IEnumerable<Incident> AttributedTo(UpstreamProvider provider) => EverAttributedTo(provider).Where(i => Names(i.Cause, provider));

        // The period's incidents once attributed to the provider and no longer.
        public IEnumerable<Incident> FormerlyAttributedTo(UpstreamProvider provider) =>
            EverAttributedTo(provider).Where(i => !Names(i.Cause, provider) && i.Causes.Any(a => Names(a.Cause, provider)));

        // The incidents that began in the period whose cause names the provider now or did once, oldest first (ties by id, as
        // every incident is ordered): a range of the snapshot's index of the provider's incidents, found by binary search.
        private IEnumerable<Incident> EverAttributedTo(UpstreamProvider provider) =>
            TimeRange.Within(Snapshot.IncidentsEverAttributedTo(provider.Id), static i => i.StartedAt, From, To);
    }

    private static ProviderAccount Of(PeriodFacts period, UpstreamProvider provider, TimeZoneInfo zone)
    {
        var attributed = period.AttributedTo(provider)
            .Select(i => Account(period.Snapshot, provider, i, period.MinutesOf(i.Id), period.To))
            .ToImmutableArray();
        var byComponent = ByComponent(attributed.Select(i => i.Downtime));
        var former = period.FormerlyAttributedTo(provider)
            .Select(i => Account(period.Snapshot, provider, i, [], period.To))
            .ToImmutableArray();
        var recurrence = RecurrenceDetector.Detect(provider.Name,
            attributed.Select(i => new RecurrenceEvent(i.Incident.Id, i.Incident.StartedAt)), zone);
        return new ProviderAccount(provider, period.From, period.To, attributed, byComponent, period.All, recurrence) { Former = former };
    }

    // The incidents' downtime summed by component (in the incidents' order, so the totals add up as the accounts do), in table order.
    private static ImmutableArray<ComponentDowntime> ByComponent(IEnumerable<ImmutableArray<ComponentDowntime>> downtimeOfEach) =>
        [.. InTableOrder(downtimeOfEach.SelectMany(d => d)
            .GroupBy(d => d.ComponentId)
            .Select(g => new ComponentDowntime(g.Key, g.First().Name, g.Sum(d => d.Minutes))))];

    // Largest first, a total order (names can repeat): a total summed in this order is the same whichever way it was grouped.
    private static IOrderedEnumerable<ComponentDowntime> InTableOrder(IEnumerable<ComponentDowntime> byComponent) =>
        byComponent.OrderByDescending(d => d.Minutes).ThenBy(d => d.Name, StringComparer.Ordinal).ThenBy(d => d.ComponentId, StringComparer.Ordinal);

    private static bool Names(Cause cause, UpstreamProvider provider) => cause.Kind == CauseKind.Upstream && cause.ProviderId == provider.Id;

    // Every attribution of the incident's cause, oldest first (a cause never determined has none).
    public static ImmutableArray<Attribution> AttributionsOf(Incident incident) =>
        [.. incident.Causes.Select(a => new Attribution(a.Cause.Kind, a.Cause.ProviderId, a.Cause.ProviderName, a.Cause.Ticket, a.RecordedAt, a.Author))];

    private static ProviderIncident Account(StatusSnapshot snapshot, UpstreamProvider provider, Incident incident,
        IEnumerable<(string ComponentId, double Minutes)> minutes, DateTimeOffset to)
    {
        var attributions = AttributionsOf(incident);
        var end = incident.ResolvedAt;
        var downtime = DowntimeOf(snapshot, incident, minutes);
        var tickets = attributions.Where(a => a.Kind == CauseKind.Upstream && a.ProviderId == provider.Id)
            .Select(a => a.Ticket).OfType<string>().Distinct(StringComparer.Ordinal).ToImmutableArray();
        var observations = snapshot.ProviderObservations.TryGetValue(incident.Id, out var observed)
            ? observed.Where(o => o.ProviderId == provider.Id).ToImmutableArray()
            : [];
        return new ProviderIncident(incident, attributions, end, (end ?? to) - incident.StartedAt, tickets, downtime)
        {
            Observations = observations,
        };
    }

    // The downtime an incident's updates caused, by component, in the order the incident names them.
    private static ImmutableArray<ComponentDowntime> DowntimeOf(StatusSnapshot snapshot, Incident incident,
        IEnumerable<(string ComponentId, double Minutes)> minutes) =>
        [.. minutes.Select(m => new ComponentDowntime(m.ComponentId, NameOf(snapshot, m.ComponentId), m.Minutes))
            .OrderBy(d => incident.ComponentIds.IndexOf(d.ComponentId) is var at and >= 0 ? at : int.MaxValue)];

    public static string NameOf(StatusSnapshot snapshot, string componentId) =>
        snapshot.Components.TryGetValue(componentId, out var component) ? component.Name : componentId;
}
