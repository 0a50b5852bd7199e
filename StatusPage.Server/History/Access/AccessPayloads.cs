using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// Account and token entries (Operators/). The ledger is public, so these carry hashes, never secrets.
internal static partial class EntryKinds
{
    public const string OperatorCreated = "operator.created";
    public const string OperatorPasswordSet = "operator.password_set";
    public const string OperatorRoleSet = "operator.role_set";
    public const string OperatorDisabled = "operator.disabled";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
}

internal interface IAccessPayload : IEntryPayload;

internal sealed record OperatorCreated(OperatorRole Role) : IAccessPayload;

// The password hash itself lives in the credential store beside the ledger; the entry commits to it by SHA-256.
internal sealed record OperatorPasswordSet(string CredentialSha256, bool MustChange) : IAccessPayload;

internal sealed record OperatorRoleSet(OperatorRole Role) : IAccessPayload;

internal sealed record OperatorDisabled(string Reason) : IAccessPayload;

internal sealed record ApiTokenCreated(string Name, string Operator, string TokenSha256) : IAccessPayload;

internal sealed record ApiTokenRevoked(string Reason) : IAccessPayload;
