namespace StatusPage.Server.History;

// Corrections and redactions of a post on any timeline (incident or maintenance): kinds, payloads and commands (decided and
// projected by PostFamily; payload types listed in PayloadJsonContext).
internal static partial class EntryKinds
{
    public const string Corrected = "post.corrected";
    public const string Redacted = "post.redacted";
}

public sealed record Corrected(string Corrects, string Reason, DateTimeOffset StatedAt, string BodySha256) : IBodyPayload;

internal sealed record Redacted(string Redacts, string Reason) : IEntryPayload;

internal sealed record CorrectPost(string PostId, string Body, string Reason, DateTimeOffset? StatedAt = null) : HistoryCommand;

internal sealed record RedactPost(string PostId, string Reason) : HistoryCommand;
