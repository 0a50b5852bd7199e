using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// Operators and API tokens: decided by AccessRules, projected by AccessProjection into the roster.
internal sealed class AccessFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.OperatorCreated] = typeof(OperatorCreated),
        [EntryKinds.OperatorPasswordSet] = typeof(OperatorPasswordSet),
        [EntryKinds.OperatorRoleSet] = typeof(OperatorRoleSet),
        [EntryKinds.OperatorDisabled] = typeof(OperatorDisabled),
        [EntryKinds.TokenCreated] = typeof(ApiTokenCreated),
        [EntryKinds.TokenRevoked] = typeof(ApiTokenRevoked),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) =>
        command is AccessCommand c ? AccessRules.Decide(state, c) : null;

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload) =>
        AccessProjection.Apply(state, entry, (IAccessPayload)payload);
}
