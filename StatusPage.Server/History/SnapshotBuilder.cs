using System.Collections.Immutable;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// A snapshot while entries are projected into it. Its builders change their trees in place, so a replay of the whole
// ledger freezes once instead of copying a dictionary path per entry; From and ToSnapshot are O(1) for a live append.
internal sealed class SnapshotBuilder(StatusSnapshot from)
{
    public LedgerHead Head { get; set; } = from.Head;

    public ImmutableDictionary<string, UpstreamProvider>.Builder Providers { get; } = from.Providers.ToBuilder();

    public ImmutableDictionary<string, ComponentGroup>.Builder Groups { get; } = from.Groups.ToBuilder();

    public ImmutableDictionary<string, ServiceComponent>.Builder Components { get; } = from.Components.ToBuilder();

    public ImmutableDictionary<string, Incident>.Builder Incidents { get; } = from.Incidents.ToBuilder();

    public ImmutableDictionary<string, Maintenance>.Builder Maintenances { get; } = from.Maintenances.ToBuilder();

    public ImmutableDictionary<string, string>.Builder PostOwners { get; } = from.PostOwners.ToBuilder();

    public OperatorRoster Roster { get; set; } = from.Roster;

    public ImmutableDictionary<string, RecordedRequest>.Builder Requests { get; } = from.Requests.ToBuilder();

    public SigningKeys Keys { get; set; } = from.Keys;

    public ImmutableDictionary<string, long>.Builder LastSeqBySubject { get; } = from.LastSeqBySubject.ToBuilder();

    public long LastPublicSeq { get; set; } = from.LastPublicSeq;

    public ImmutableDictionary<string, ImmutableList<ProviderObservation>>.Builder ProviderObservations { get; } =
        from.ProviderObservations.ToBuilder();

    // Each component's status changes, changed in place while projecting: a long history inserts into these lists for almost
    // every post, and an immutable insert copied a path of the tree (and the component record) each time.
    private readonly Dictionary<string, ImmutableList<StatusChange>.Builder> _changes = new(StringComparer.Ordinal);

    // The changes of a known component (KeyNotFoundException otherwise); they replace its Changes in ToSnapshot.
    public ImmutableList<StatusChange>.Builder ChangesOf(string componentId)
    {
        if (!_changes.TryGetValue(componentId, out var changes))
        {
            changes = Components[componentId].Changes.ToBuilder();
            _changes[componentId] = changes;
        }
        return changes;
    }

    // One instance of each repeated id or name (authors, subjects, component ids): every entry read from the store brings its
    // own copies, and the read model would keep one per post.
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);

    public string Share(string text)
    {
        if (_shared.TryGetValue(text, out var shared))
        {
            return shared;
        }
        _shared[text] = text;
        return text;
    }

    public StatusSnapshot ToSnapshot()
    {
        foreach (var (componentId, changes) in _changes)
        {
            Components[componentId] = Components[componentId] with { Changes = changes.ToImmutable() };
        }
        return new(Head, Providers.ToImmutable(), Groups.ToImmutable(), Components.ToImmutable(), Incidents.ToImmutable(),
            Maintenances.ToImmutable(), PostOwners.ToImmutable(), from.IntegrityProblem)
        {
            Roster = Roster,
            Requests = Requests.ToImmutable(),
            Keys = Keys,
            LastSeqBySubject = LastSeqBySubject.ToImmutable(),
            LastPublicSeq = LastPublicSeq,
            ProviderObservations = ProviderObservations.ToImmutable(),
        };
    }
}
