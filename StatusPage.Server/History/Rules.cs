using System.Collections.Immutable;

namespace StatusPage.Server.History;

internal sealed record Decision(ImmutableArray<PendingEntry> Entries, RuleViolation? Violation)
{
    public static Decision Accept(params PendingEntry[] entries) => new([.. entries], null);

    public static implicit operator Decision(RuleViolation violation) => new([], violation);
}

// The domain rules: given what the ledger says now, a command becomes entries or is refused with a reason. Each family decides
// its own commands (EntryFamilies.All).
internal static class Rules
{
    public static Decision Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) =>
        EntryFamilies.Decide(state, command, now)
        ?? throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown command");
}
