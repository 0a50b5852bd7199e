
namespace StatusPage.Server.History;

// The answer a keyed write got, kept in the ledger (request.completed) so a retry after a restart still finds it.
public sealed record RecordedRequest(string RequestSha256, int Status, string Location, string Response, string Author,
    DateTimeOffset RecordedAt);

// A write sent with an Idempotency-Key. Checked under the single writer, so two concurrent retries cannot both append.
public sealed record Idempotent(HistoryCommand Inner, string KeySha256, string RequestSha256) : HistoryCommand;

public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string ReplayRule = "idempotency_replay";
    public const string ReusedRule = "idempotency_key_reused";

    public static Decision Decide(StatusSnapshot state, Idempotent command, DateTimeOffset now)
    {
        if (!state.Requests.TryGetValue(command.KeySha256, out var earlier))
        {
            return Rules.Decide(state, command.Inner, now);
        }
        return earlier.RequestSha256 == command.RequestSha256
            ? new RuleViolation(ViolationKind.Conflict, Header, ReplayRule, "This request was already answered; here is the original answer.")
            : new RuleViolation(ViolationKind.Unprocessable, Header, ReusedRule,
                "This Idempotency-Key was already used for a different request; use a new key for a new request.");
    }
}
