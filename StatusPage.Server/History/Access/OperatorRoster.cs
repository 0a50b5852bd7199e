using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

public sealed record OperatorAccount(
    string Username,
    OperatorRole Role,
    string? CredentialSha256,
    bool MustChangePassword,
    bool Disabled,
    DateTimeOffset CreatedAt,
    string CreatedBy);

public sealed record ApiToken(
    string Id,
    string Name,
    string Operator,
    string TokenSha256,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

// Who may write, projected from the ledger like everything else.
public sealed record OperatorRoster(
    ImmutableDictionary<string, OperatorAccount> Operators,
    ImmutableDictionary<string, ApiToken> Tokens,
    ImmutableDictionary<string, string> TokenIdsBySha256)
{
    public static readonly OperatorRoster Empty = new(
        ImmutableDictionary<string, OperatorAccount>.Empty,
        ImmutableDictionary<string, ApiToken>.Empty,
        ImmutableDictionary<string, string>.Empty);

    public int ActiveAdmins => Operators.Values.Count(o => o.Role == OperatorRole.Admin && !o.Disabled);

    // A token authenticates only while neither it nor its operator is revoked or disabled.
    public (ApiToken Token, OperatorAccount Owner)? FindActiveToken(string tokenSha256) =>
        TokenIdsBySha256.TryGetValue(tokenSha256, out var id) && Tokens[id] is { IsRevoked: false } token
        && Operators.TryGetValue(token.Operator, out var owner) && !owner.Disabled
            ? (token, owner)
            : null;
}

// Commands that change who may write. Decided by AccessRules under the same single writer as everything else.
internal abstract record AccessCommand : HistoryCommand;

internal sealed record CreateOperator(string Username, OperatorRole Role, string? CredentialSha256, bool MustChange) : AccessCommand;

internal sealed record SetOperatorPassword(string Username, string CredentialSha256, bool MustChange) : AccessCommand;

internal sealed record SetOperatorRole(string Username, OperatorRole Role) : AccessCommand;

internal sealed record DisableOperator(string Username, string Reason) : AccessCommand;

internal sealed record CreateApiToken(string Id, string Name, string Operator, string TokenSha256) : AccessCommand;

internal sealed record RevokeApiToken(string Id, string Reason) : AccessCommand;

internal static class AccessRules
{
    public static Decision Decide(StatusSnapshot state, AccessCommand command)
    {
        var roster = state.Roster;
        return command switch
        {
            CreateOperator c when roster.Operators.ContainsKey(c.Username) =>
                Violation(RuleCatalogue.UniqueUsername, "username", $"There is already an operator '{c.Username}'."),
            CreateOperator c => Decision.Accept([
                new PendingEntry(EntryKinds.OperatorCreated, c.Username, new OperatorCreated(c.Role)),
                .. c.CredentialSha256 is { } sha
                    ? [new PendingEntry(EntryKinds.OperatorPasswordSet, c.Username, new OperatorPasswordSet(sha, c.MustChange))]
                    : Array.Empty<PendingEntry>(),
            ]),
            SetOperatorPassword c => FindActive(roster, c.Username) ?? Decision.Accept(
                new PendingEntry(EntryKinds.OperatorPasswordSet, c.Username, new OperatorPasswordSet(c.CredentialSha256, c.MustChange))),
            SetOperatorRole c => FindActive(roster, c.Username)
                ?? (c.Role != OperatorRole.Admin && roster.Operators[c.Username].Role == OperatorRole.Admin && roster.ActiveAdmins == 1
                    ? LastAdmin()
                    : Decision.Accept(new PendingEntry(EntryKinds.OperatorRoleSet, c.Username, new OperatorRoleSet(c.Role)))),
            DisableOperator c => FindActive(roster, c.Username)
                ?? (roster.Operators[c.Username].Role == OperatorRole.Admin && roster.ActiveAdmins == 1
                    ? LastAdmin()
                    : Decision.Accept(new PendingEntry(EntryKinds.OperatorDisabled, c.Username, new OperatorDisabled(c.Reason)))),
            CreateApiToken c when !SafeText.IsClean(c.Name) =>
                new RuleViolation(RuleKind.Invalid, "name", SafeText.Rule, SafeText.Message("name")),
            CreateApiToken c => FindActive(roster, c.Operator)
                ?? (roster.TokenIdsBySha256.ContainsKey(c.TokenSha256) || roster.Tokens.ContainsKey(c.Id)
                    ? Violation(RuleCatalogue.UniqueToken, "token", "This token already exists.")
                    : Decision.Accept(new PendingEntry(EntryKinds.TokenCreated, c.Id,
                        new ApiTokenCreated(c.Name, c.Operator, c.TokenSha256)))),
            RevokeApiToken c when !roster.Tokens.ContainsKey(c.Id) =>
                new RuleViolation(RuleKind.NotFound, "id", "known_token", $"There is no API token '{c.Id}'."),
            RevokeApiToken c when roster.Tokens[c.Id].IsRevoked =>
                Violation(RuleCatalogue.NotAlreadyRevoked, "id", "This API token is already revoked."),
            RevokeApiToken c => Decision.Accept(new PendingEntry(EntryKinds.TokenRevoked, c.Id, new ApiTokenRevoked(c.Reason))),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown access command"),
        };
    }

    private static Decision? FindActive(OperatorRoster roster, string username) =>
        !roster.Operators.TryGetValue(username, out var account)
            ? Violation(RuleCatalogue.OperatorNotFound, "username", $"There is no operator '{username}'.")
            : account.Disabled
                ? Violation(RuleCatalogue.OperatorDisabled, "username", $"The operator '{username}' is disabled.")
                : (Decision?)null;

    private static Decision LastAdmin() =>
        Violation(RuleCatalogue.KeepOneAdmin, "role", "This is the last active admin; make another operator admin first.");
}

internal static class AccessProjection
{
    public static void Apply(SnapshotBuilder state, LedgerEntry entry, IAccessPayload payload)
    {
        var roster = state.Roster;
        switch (payload)
        {
            case OperatorCreated c:
                state.Roster = roster with
                {
                    Operators = roster.Operators.Add(entry.Subject,
                        new OperatorAccount(entry.Subject, c.Role, null, false, false, entry.RecordedAt, entry.Author)),
                };
                break;
            case OperatorPasswordSet p:
                WithOperator(state, entry.Subject, o => o with { CredentialSha256 = p.CredentialSha256, MustChangePassword = p.MustChange });
                break;
            case OperatorRoleSet r:
                WithOperator(state, entry.Subject, o => o with { Role = r.Role });
                break;
            case OperatorDisabled:
                WithOperator(state, entry.Subject, o => o with { Disabled = true });
                break;
            case ApiTokenCreated t:
                state.Roster = roster with
                {
                    Tokens = roster.Tokens.Add(entry.Subject, new ApiToken(entry.Subject, t.Name, t.Operator, t.TokenSha256,
                        entry.RecordedAt, entry.Author, null, null)),
                    TokenIdsBySha256 = roster.TokenIdsBySha256.Add(t.TokenSha256, entry.Subject),
                };
                break;
            case ApiTokenRevoked:
                state.Roster = roster with
                {
                    Tokens = roster.Tokens.SetItem(entry.Subject,
                        roster.Tokens[entry.Subject] with { RevokedAt = entry.RecordedAt, RevokedBy = entry.Author }),
                };
                break;
            default:
                throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
    }

    private static void WithOperator(SnapshotBuilder state, string username, Func<OperatorAccount, OperatorAccount> change) =>
        state.Roster = state.Roster with
        {
            Operators = state.Roster.Operators.SetItem(username, change(state.Roster.Operators[username])),
        };
}
