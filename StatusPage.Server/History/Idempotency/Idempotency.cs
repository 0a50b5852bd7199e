using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

internal static partial class EntryKinds
{
    public const string RequestCompleted = "request.completed";
}

// A write made with an Idempotency-Key: the key (hashed with its operator), the request it answered and the response it got.
internal sealed record RequestCompleted(string KeySha256, string RequestSha256, int Status, string Location, string Response) : IEntryPayload;

// The answer a keyed write got, kept in the ledger (request.completed) so a retry after a restart still finds it.
public sealed record RecordedRequest(string RequestSha256, int Status, string Location, string Response, string Author,
    DateTimeOffset RecordedAt);

// A write sent with an Idempotency-Key. Checked under the single writer, so two concurrent retries cannot both append.
internal sealed record Idempotent(HistoryCommand Inner, string KeySha256, string RequestSha256) : HistoryCommand;

internal static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public static Decision Decide(StatusSnapshot state, Idempotent command, DateTimeOffset now)
    {
        if (!state.Requests.TryGetValue(command.KeySha256, out var earlier))
        {
            return Rules.Decide(state, command.Inner, now);
        }
        return earlier.RequestSha256 == command.RequestSha256
            ? Checks.Violation(RuleCatalogue.IdempotencyReplay, Header, RuleCatalogue.IdempotencyReplayMessage)
            : Checks.Violation(RuleCatalogue.IdempotencyKeyReused, Header, RuleCatalogue.IdempotencyKeyReusedMessage);
    }
}

// Keyed writes: the wrapped command is decided by its own family unless the key was seen; request.completed records the answer.
internal sealed class IdempotencyFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.RequestCompleted] = typeof(RequestCompleted),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) =>
        command is Idempotent c ? Idempotency.Decide(state, c, now) : null;

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        var r = (RequestCompleted)payload;
        state.Requests[r.KeySha256] = new RecordedRequest(r.RequestSha256, r.Status, r.Location, r.Response, entry.Author, entry.RecordedAt);
    }
}
