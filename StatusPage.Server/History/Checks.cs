using System.Collections.Immutable;
using System.Text.RegularExpressions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// The checks and entry helpers the families' decisions share (used with `using static`).
internal static partial class Checks
{
    public static readonly ImmutableSortedDictionary<string, ComponentStatus> NoChanges =
        ImmutableSortedDictionary<string, ComponentStatus>.Empty;

    // \z, not $: "$" also matches before a final newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex IdPattern();

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
        string.IsNullOrEmpty(id) || id.Length > Limits.IdMaxLength || !IdPattern().IsMatch(id)
            ? Invalid(field, "id_format", $"An id is 1 to {Limits.IdMaxLength} lowercase letters, digits and dashes.")
            : null;

    public static RuleViolation? CheckUnusedSubject(StatusSnapshot state, string id) =>
        state.Incidents.ContainsKey(id) || state.Maintenances.ContainsKey(id)
            ? Conflict("id", "unique_id", $"The id '{id}' is already used by an incident or a maintenance.")
            : null;

    public static RuleViolation? CheckText(string field, string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) ? Invalid(field, "required", $"The {field} must not be empty.")
        : text.Length > maxLength ? Invalid(field, "max_length", $"The {field} must be at most {maxLength} characters.")
        : !SafeText.IsClean(text) ? Invalid(field, SafeText.Rule, SafeText.Message(field))
        : null;

    public static RuleViolation? CheckComponents(StatusSnapshot state, IEnumerable<string> ids) =>
        ids.FirstOrDefault(id => !state.Components.ContainsKey(id)) is { } unknown
            ? Invalid($"components.{unknown}", "known_component", $"There is no component '{unknown}'.")
            : null;

    public static RuleViolation? CheckNotFuture(DateTimeOffset statedAt, DateTimeOffset now) =>
        statedAt > now + Limits.FutureTolerance
            ? Invalid("stated_at", RuleCatalogue.NotInFuture.Code, TimeRules.NotInFutureMessage("stated_at"))
            : statedAt < Limits.EarliestTime ? Invalid("stated_at", TimeRules.MinTime, TimeRules.MinTimeMessage("stated_at"))
            : null;

    public static RuleViolation? CheckPlanned(string field, DateTimeOffset time, DateTimeOffset now) =>
        time < Limits.EarliestTime ? Invalid(field, TimeRules.MinTime, TimeRules.MinTimeMessage(field))
        : time > now + Limits.PlanningHorizon ? Invalid(field, TimeRules.MaxTime, TimeRules.MaxTimeMessage(field))
        : null;

    public static RuleViolation? CheckTimeInTimeline(DateTimeOffset statedAt, DateTimeOffset startedAt, DateTimeOffset latest,
        DateTimeOffset now) =>
        CheckNotFuture(statedAt, now)
        ?? (statedAt < startedAt
            ? Invalid("stated_at", "not_before_start", "An update cannot be stated before the incident started.")
            : statedAt < latest
                ? Invalid("stated_at", "not_before_latest_update", "An update cannot be stated before the latest update of its timeline.")
                : null);

    public static RuleViolation Invalid(string field, string rule, string message) => new(ViolationKind.Invalid, field, rule, message);

    public static RuleViolation NotFound(string field, string rule, string message) => new(ViolationKind.NotFound, field, rule, message);

    public static RuleViolation Conflict(string field, string rule, string message) => new(ViolationKind.Conflict, field, rule, message);
}
