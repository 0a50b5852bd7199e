using System.Collections.Immutable;
using StatusPage.Server.Ledger;
using StatusPage.Server.Operators;
using StatusPage.Server.WriteApi;

namespace StatusPage.Server.History;

// A snapshot while entries are projected into it. Its builders change their trees in place, so a replay of the whole
// ledger freezes once instead of copying a dictionary path per entry; From and ToSnapshot are O(1) for a live append.
public sealed class SnapshotBuilder(StatusSnapshot from)
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

    public StatusSnapshot ToSnapshot() =>
        new(Head, Providers.ToImmutable(), Groups.ToImmutable(), Components.ToImmutable(), Incidents.ToImmutable(),
            Maintenances.ToImmutable(), PostOwners.ToImmutable(), from.IntegrityProblem)
        {
            Roster = Roster,
            Requests = Requests.ToImmutable(),
        };
}
