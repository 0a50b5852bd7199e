using System.Collections.Frozen;
using System.Collections.Immutable;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// One family of ledger entries (a folder under History/): its kinds, how its commands are decided, how its entries are projected.
internal interface IEntryFamily
{
    // Each kind the family writes, with the payload type its JSON is read as.
    IReadOnlyDictionary<string, Type> Kinds { get; }

    // Null when the command is not one of this family's.
    Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now);

    // Called only with an entry of one of this family's kinds, its payload already parsed.
    void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload);
}

// Every family, in one explicit list: a new entry kind touches its family's folder (and its PayloadJsonContext line), a new
// family one line here.
internal static class EntryFamilies
{
    public static readonly ImmutableArray<IEntryFamily> All =
    [
        new ComponentFamily(),
        new IncidentFamily(),
        new MaintenanceFamily(),
        new PostFamily(),
        new AccessFamily(),
        new IdempotencyFamily(),
        new KeyFamily(),
        new ProviderStatusFamily(),
    ];

    // Throws at start-up if two families claim the same kind.
    private static readonly FrozenDictionary<string, IEntryFamily> ByKind =
        All.SelectMany(f => f.Kinds.Keys.Select(kind => KeyValuePair.Create(kind, f))).ToDictionary().ToFrozenDictionary();

    public static IEnumerable<KeyValuePair<string, Type>> PayloadTypes => All.SelectMany(f => f.Kinds);

    public static Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now)
    {
        foreach (var family in All)
        {
            if (family.Decide(state, command, now) is { } decision)
            {
                return decision;
            }
        }
        return null;
    }

    public static bool TryApply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        if (!ByKind.TryGetValue(entry.Kind, out var family))
        {
            return false;
        }
        family.Apply(state, entry, payload);
        return true;
    }
}
