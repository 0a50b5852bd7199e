using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

public sealed record Decision(ImmutableArray<PendingEntry> Entries, RuleViolation? Violation)
{
    public static Decision Accept(params PendingEntry[] entries) => new([.. entries], null);

    public static implicit operator Decision(RuleViolation violation) => new([], violation);
}

// The domain rules: given what the ledger says now, a command becomes entries or is refused with a reason.
public static class Rules
{
    public static Decision Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        CorrectPost c => DecideCorrection(state, c, now),
        RedactPost c => DecideRedaction(state, c),
        AccessCommand c => AccessRules.Decide(state, c),
        Idempotent c => Idempotency.Decide(state, c, now),
        _ => EntryFamilies.Decide(state, command, now) ?? throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown command"),
    };

    private static Decision DecideCorrection(StatusSnapshot state, CorrectPost c, DateTimeOffset now)
    {
        if (state.FindPost(c.PostId) is not { } target)
        {
            return NotFound("update_id", "known_update", $"There is no update '{c.PostId}' to correct.");
        }
        if (target.Kind == PostKind.Correction)
        {
            return Invalid("update_id", "correct_the_original",
                "A correction cannot itself be corrected; post a new correction of the original update.");
        }
        var statedAt = c.StatedAt ?? now;
        var bad = CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckText("reason", c.Reason, Limits.ReasonMaxLength)
            ?? CheckNotFuture(statedAt, now)
            ?? (statedAt < target.StatedAt
                ? Invalid("stated_at", "not_before_corrected_update", "A correction cannot be stated before the update it corrects.")
                : null);
        if (bad is not null)
        {
            return bad;
        }
        return Decision.Accept(BodyEntry(EntryKinds.Corrected, state.PostOwners[c.PostId], c.Body,
            sha => new Corrected(c.PostId, c.Reason.Trim(), statedAt, sha)));
    }

    private static Decision DecideRedaction(StatusSnapshot state, RedactPost c)
    {
        if (state.FindPost(c.PostId) is not { } target)
        {
            return NotFound("update_id", "known_update", $"There is no update '{c.PostId}' to redact.");
        }
        if (target.Redaction is not null)
        {
            return Conflict("update_id", "not_already_redacted", "This update is already redacted.");
        }
        if (CheckText("reason", c.Reason, Limits.ReasonMaxLength) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.Redacted, state.PostOwners[c.PostId], new Redacted(c.PostId, c.Reason.Trim())));
    }
}
