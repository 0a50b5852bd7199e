using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// What operators, scripts and content ask for. Rules.Decide turns one into ledger entries or a RuleViolation.
public abstract record HistoryCommand;

// A new entry as decided, before the writer gives it a sequence number, an id and its hashes.
public sealed record PendingEntry(string Kind, string Subject, IEntryPayload Payload, string? Body = null);

// An expected refusal: which field, which rule (its kind decides the HTTP status), in words an operator understands.
public sealed record RuleViolation(RuleKind Kind, string Field, string Rule, string Message);
