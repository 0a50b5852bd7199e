using System.Text.Json;
using StatusPage.Client.Contracts;

namespace StatusPage.Client.Console;

// The shapes the console reads from /api/v1 beyond the shared contracts (Contracts/ReadViews.cs), as the console needs them.
public sealed record OperatorView(string Username, OperatorRole Role, bool Disabled, bool MustChangePassword, DateTimeOffset CreatedAt,
    string CreatedBy);

public sealed record TokenView(string Id, string Name, string Operator, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

// Webhooks (GET/POST/DELETE /api/v1/webhooks): "pending" and "failed_recently" are shown as the server sends them.
public sealed record WebhookView(string Id, string Url, List<string>? Components, DateTimeOffset CreatedAt, string CreatedBy,
    JsonElement Pending, JsonElement FailedRecently);

public sealed record WebhookCreated(string Id, string Url, List<string>? Components, string Secret, DateTimeOffset CreatedAt);

public sealed record WebhookDelivery(string Id, long EntrySeq, string EntryKind, string Subject, string State, int Attempts, int? LastStatus,
    string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset CreatedAt);
