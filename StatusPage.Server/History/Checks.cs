using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// The checks and entry helpers the families' decisions share (used with `using static`).
internal static class Checks
{
    public static readonly ImmutableSortedDictionary<string, ComponentStatus> NoChanges =
        ImmutableSortedDictionary<string, ComponentStatus>.Empty;

    // On resolve/complete, components this subject left degraded at the stated time return to operational then, unless the post
    // says otherwise. At the stated time, not the latest change: another subject's later change must not hide a backdated one.
    public static ImmutableSortedDictionary<string, ComponentStatus> RestoreOperational(StatusSnapshot state, string subjectId,
        DateTimeOffset statedAt, ImmutableSortedDictionary<string, ComponentStatus> explicitChanges)
    {
        var restored = explicitChanges;
        foreach (var component in state.Components.Values)
        {
            if (component.ChangeAt(statedAt) is { Status: not ComponentStatus.Operational } change && change.SourceId == subjectId
                && !explicitChanges.ContainsKey(component.Id))
            {
                restored = restored.Add(component.Id, ComponentStatus.Operational);
            }
        }
        return restored;
    }

    public static PendingEntry BodyEntry(string kind, string subject, string body, Func<string, IEntryPayload> payload) =>
        new(kind, subject, payload(LedgerEntry.Sha256Hex(body)), body);

    public static RuleViolation? CheckId(string field, string id) =>
        !RuleCatalogue.IsId(id) ? Violation(RuleCatalogue.IdFormat, field, RuleCatalogue.IdFormatMessage)
            : null;

    public static RuleViolation? CheckUnusedSubject(StatusSnapshot state, string id) =>
        state.Incidents.ContainsKey(id) || state.Maintenances.ContainsKey(id)
            ? Violation(RuleCatalogue.UniqueId, "id", $"The id '{id}' is already used by an incident or a maintenance.")
            : null;

    public static RuleViolation? CheckText(string field, string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) ? Violation(RuleCatalogue.Required, field, RuleCatalogue.NotEmpty(field))
        : text.Length > maxLength ? Violation(RuleCatalogue.MaxLength, field, RuleCatalogue.AtMost(field, maxLength))
        : !SafeText.IsClean(text) ? Violation(RuleCatalogue.CleanText, field, SafeText.Message(field))
        : null;

    public static RuleViolation? CheckComponents(StatusSnapshot state, IEnumerable<string> ids) =>
        ids.FirstOrDefault(id => !state.Components.ContainsKey(id)) is { } unknown
            ? Violation(RuleCatalogue.KnownComponent, $"components.{unknown}", RuleCatalogue.NoComponent(unknown))
            : null;

    public static RuleViolation? CheckNotFuture(DateTimeOffset statedAt, DateTimeOffset now) =>
        statedAt > now + Limits.FutureTolerance
            ? Violation(RuleCatalogue.NotInFuture, "stated_at", TimeRules.NotInFutureMessage("stated_at"))
            : statedAt < Limits.EarliestTime ? Violation(RuleCatalogue.MinTime, "stated_at", TimeRules.MinTimeMessage("stated_at"))
            : null;

    public static RuleViolation? CheckPlanned(string field, DateTimeOffset time, DateTimeOffset now) =>
        time < Limits.EarliestTime ? Violation(RuleCatalogue.MinTime, field, TimeRules.MinTimeMessage(field))
        : time > now + Limits.PlanningHorizon ? Violation(RuleCatalogue.MaxTime, field, TimeRules.MaxTimeMessage(field))
        : null;

    public static RuleViolation? CheckTimeInTimeline(DateTimeOffset statedAt, DateTimeOffset startedAt, DateTimeOffset latest,
        DateTimeOffset now) =>
        CheckNotFuture(statedAt, now)
        ?? (statedAt < startedAt
            ? Violation(RuleCatalogue.NotBeforeStart, "stated_at", RuleCatalogue.NotBeforeStartMessage)
            : statedAt < latest
                ? Violation(RuleCatalogue.NotBeforeLatestUpdate, "stated_at", RuleCatalogue.NotBeforeLatestUpdateMessage)
                : null);

    // A refusal by a rule of the shared catalogue (StatusPage.Client/Contracts/RuleCatalogue.cs): its code and kind come from it.
    public static RuleViolation Violation(Rule rule, string field, string message) => new(rule.Kind, field, rule.Code, message);
}
