using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// Account, token and idempotency entries (Operators/, WriteApi/). The ledger is public, so these carry hashes, never secrets.
public interface IAccessPayload : IEntryPayload;

public sealed record OperatorCreated(OperatorRole Role) : IAccessPayload;

// The password hash itself lives in the credential store beside the ledger; the entry commits to it by SHA-256.
public sealed record OperatorPasswordSet(string CredentialSha256, bool MustChange) : IAccessPayload;

public sealed record OperatorRoleSet(OperatorRole Role) : IAccessPayload;

public sealed record OperatorDisabled(string Reason) : IAccessPayload;

public sealed record ApiTokenCreated(string Name, string Operator, string TokenSha256) : IAccessPayload;

public sealed record ApiTokenRevoked(string Reason) : IAccessPayload;

// A write made with an Idempotency-Key: the key (hashed with its operator), the request it answered and the response it got.
public sealed record RequestCompleted(string KeySha256, string RequestSha256, int Status, string Location, string Response) : IAccessPayload;
