using System.Collections.Immutable;
using System.Text.RegularExpressions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

public sealed record Decision(ImmutableArray<PendingEntry> Entries, RuleViolation? Violation)
{
    public static Decision Accept(params PendingEntry[] entries) => new([.. entries], null);

    public static implicit operator Decision(RuleViolation violation) => new([], violation);
}

// The domain rules: given what the ledger says now, a command becomes entries or is refused with a reason.
public static partial class Rules
{
    private static readonly ImmutableSortedDictionary<string, ComponentStatus> NoChanges =
        ImmutableSortedDictionary<string, ComponentStatus>.Empty;

    // \z, not $: "$" also matches before a final newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z")]
    private static partial Regex IdPattern();

    public static Decision Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        DeclareProvider c => DecideProvider(state, c),
        DeclareGroup c => DecideGroup(state, c),
        DeclareComponent c => DecideComponent(state, c),
        SetComponentStatus c => DecideComponentStatus(state, c, now),
        OpenIncident c => DecideOpen(state, c, now),
        PostUpdate c => DecideUpdate(state, c, now),
        ReopenIncident c => DecideReopen(state, c, now),
        CorrectPost c => DecideCorrection(state, c, now),
        RedactPost c => DecideRedaction(state, c),
        PublishPostmortem c => DecidePostmortem(state, c, now),
        AttributeCause c => DecideCause(state, c),
        ScheduleMaintenance c => DecideSchedule(state, c, now),
        PostMaintenanceUpdate c => DecideMaintenanceUpdate(state, c, now),
        AccessCommand c => AccessRules.Decide(state, c),
        Idempotent c => Idempotency.Decide(state, c, now),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "unknown command"),
    };

    private static Decision DecideProvider(StatusSnapshot state, DeclareProvider c)
    {
        if ((CheckId("id", c.Id) ?? CheckText("name", c.Name, Limits.TitleMaxLength)) is { } bad)
        {
            return bad;
        }
        return state.Providers.TryGetValue(c.Id, out var p) && p.Name == c.Name && p.Url == c.Url
            ? Decision.Accept()
            : Decision.Accept(new PendingEntry(EntryKinds.ProviderDeclared, c.Id, new ProviderDeclared(c.Name, c.Url)));
    }

    private static Decision DecideGroup(StatusSnapshot state, DeclareGroup c)
    {
        if ((CheckId("id", c.Id) ?? CheckText("name", c.Name, Limits.TitleMaxLength)) is { } bad)
        {
            return bad;
        }
        if (state.Components.ContainsKey(c.Id))
        {
            return Conflict("id", "unique_id", $"'{c.Id}' is already a component.");
        }
        return state.Groups.TryGetValue(c.Id, out var g) && g.Name == c.Name && g.Position == c.Position
            ? Decision.Accept()
            : Decision.Accept(new PendingEntry(EntryKinds.GroupDeclared, c.Id, new GroupDeclared(c.Name, c.Position)));
    }

    private static Decision DecideComponent(StatusSnapshot state, DeclareComponent c)
    {
        if ((CheckId("id", c.Id) ?? CheckText("name", c.Name, Limits.TitleMaxLength)) is { } bad)
        {
            return bad;
        }
        if (c.GroupId is not null && !state.Groups.ContainsKey(c.GroupId))
        {
            return Invalid("group_id", "known_group", $"There is no component group '{c.GroupId}'.");
        }
        if (state.Groups.ContainsKey(c.Id))
        {
            return Conflict("id", "unique_id", $"'{c.Id}' is already a component group.");
        }
        if (!SafeText.IsClean(c.Description))
        {
            return Invalid("description", SafeText.Rule, SafeText.Message("description"));
        }
        if (c.SlaTarget is < 0 or > 100)
        {
            return Invalid("sla", "percentage", "The SLA target is a percentage between 0 and 100.");
        }
        var unchanged = state.Components.TryGetValue(c.Id, out var existing) && existing.Name == c.Name
            && existing.Description == c.Description && existing.GroupId == c.GroupId && existing.SlaTarget == c.SlaTarget
            && existing.Position == c.Position;
        return unchanged
            ? Decision.Accept()
            : Decision.Accept(new PendingEntry(EntryKinds.ComponentDeclared, c.Id,
                new ComponentDeclared(c.Name, c.Description, c.GroupId, c.SlaTarget, c.Position)));
    }

    private static Decision DecideComponentStatus(StatusSnapshot state, SetComponentStatus c, DateTimeOffset now)
    {
        if (!state.Components.ContainsKey(c.ComponentId))
        {
            return NotFound("component_id", "known_component", $"There is no component '{c.ComponentId}'.");
        }
        var statedAt = c.StatedAt ?? now;
        if (CheckNotFuture(statedAt, now) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.ComponentStatusSet, c.ComponentId, new ComponentStatusSet(c.Status, statedAt)));
    }

    private static Decision DecideOpen(StatusSnapshot state, OpenIncident c, DateTimeOffset now)
    {
        var statedAt = c.StatedAt ?? now;
        var startedAt = c.StartedAt ?? statedAt;
        var affected = (c.AffectedComponents.IsDefault ? [] : c.AffectedComponents).Union(c.Components.Keys).Distinct().ToImmutableArray();
        var bad = CheckId("id", c.Id)
            ?? CheckUnusedSubject(state, c.Id)
            ?? CheckText("title", c.Title, Limits.TitleMaxLength)
            ?? CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckComponents(state, affected)
            ?? CheckNotFuture(statedAt, now)
            ?? (startedAt < Limits.EarliestTime ? Invalid("started_at", TimeRules.MinTime, TimeRules.MinTimeMessage("started_at")) : null)
            ?? (startedAt > statedAt
                ? Invalid("started_at", "not_after_first_update", "An incident cannot start after its first update.")
                : null)
            ?? CheckNextUpdate(c.Status, statedAt, c.NextUpdateBy, now)
            ?? (c.Cause is null ? null : CheckCause(state, c.Cause));
        if (bad is not null)
        {
            return bad;
        }
        var entries = new List<PendingEntry>
        {
            new(EntryKinds.IncidentOpened, c.Id, new IncidentOpened(c.Title.Trim(), c.Impact, affected, startedAt)),
            BodyEntry(EntryKinds.IncidentUpdatePosted, c.Id, c.Body,
                sha => new IncidentUpdatePosted(c.Status, statedAt, sha, c.Components, c.NextUpdateBy)),
        };
        if (c.Cause is { Kind: not CauseKind.Unknown } cause)
        {
            entries.Add(new PendingEntry(EntryKinds.CauseAttributed, c.Id, new CauseAttributed(cause.Kind, cause.Provider, cause.Ticket)));
        }
        return Decision.Accept([.. entries]);
    }

    private static Decision DecideUpdate(StatusSnapshot state, PostUpdate c, DateTimeOffset now)
    {
        if (!state.Incidents.TryGetValue(c.IncidentId, out var incident))
        {
            return UnknownIncident(c.IncidentId);
        }
        if (incident.Status == IncidentStatus.Resolved)
        {
            return Conflict("status", "resolved_incident_requires_reopen",
                "This incident is resolved. Reopen it to post a new status update (corrections and a postmortem are still possible).");
        }
        var statedAt = c.StatedAt ?? now;
        var components = c.Components ?? NoChanges;
        var bad = CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckComponents(state, components.Keys)
            ?? CheckTimeInTimeline(statedAt, incident.StartedAt, incident.LastStatedAt, now)
            ?? CheckNextUpdate(c.Status, statedAt, c.NextUpdateBy, now);
        if (bad is not null)
        {
            return bad;
        }
        if (c.Status == IncidentStatus.Resolved)
        {
            components = RestoreOperational(state, incident.Id, components);
        }
        return Decision.Accept(BodyEntry(EntryKinds.IncidentUpdatePosted, c.IncidentId, c.Body,
            sha => new IncidentUpdatePosted(c.Status, statedAt, sha, components, c.NextUpdateBy)));
    }

    private static Decision DecideReopen(StatusSnapshot state, ReopenIncident c, DateTimeOffset now)
    {
        if (!state.Incidents.TryGetValue(c.IncidentId, out var incident))
        {
            return UnknownIncident(c.IncidentId);
        }
        if (incident.Status != IncidentStatus.Resolved)
        {
            return Conflict("status", "only_resolved_reopens", "Only a resolved incident can be reopened; post an update instead.");
        }
        var statedAt = c.StatedAt ?? now;
        var components = c.Components ?? NoChanges;
        var bad = (c.Status == IncidentStatus.Resolved
                ? Invalid("status", "reopen_status", "A reopened incident is investigating, identified or monitoring.")
                : null)
            ?? CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckComponents(state, components.Keys)
            ?? CheckTimeInTimeline(statedAt, incident.StartedAt, incident.LastStatedAt, now);
        if (bad is not null)
        {
            return bad;
        }
        return Decision.Accept(BodyEntry(EntryKinds.IncidentReopened, c.IncidentId, c.Body,
            sha => new IncidentUpdatePosted(c.Status, statedAt, sha, components, null)));
    }

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

    private static Decision DecidePostmortem(StatusSnapshot state, PublishPostmortem c, DateTimeOffset now)
    {
        if (!state.Incidents.TryGetValue(c.IncidentId, out var incident))
        {
            return UnknownIncident(c.IncidentId);
        }
        if (incident.Status != IncidentStatus.Resolved)
        {
            return Conflict("status", "postmortem_after_resolve", "A postmortem is published once the incident is resolved.");
        }
        if (incident.Postmortem is not null)
        {
            return Conflict("body", "one_postmortem", "This incident already has a postmortem; correct it instead.");
        }
        var statedAt = c.StatedAt ?? now;
        if ((CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckTimeInTimeline(statedAt, incident.StartedAt, incident.LastStatedAt, now)) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(BodyEntry(EntryKinds.PostmortemPublished, c.IncidentId, c.Body,
            sha => new PostmortemPublished(statedAt, sha)));
    }

    private static Decision DecideCause(StatusSnapshot state, AttributeCause c)
    {
        if (!state.Incidents.ContainsKey(c.IncidentId))
        {
            return UnknownIncident(c.IncidentId);
        }
        if (CheckCause(state, c.Cause) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.CauseAttributed, c.IncidentId,
            new CauseAttributed(c.Cause.Kind, c.Cause.Provider, c.Cause.Ticket)));
    }

    private static Decision DecideSchedule(StatusSnapshot state, ScheduleMaintenance c, DateTimeOffset now)
    {
        var statedAt = c.StatedAt ?? now;
        var bad = CheckId("id", c.Id)
            ?? CheckUnusedSubject(state, c.Id)
            ?? CheckText("title", c.Title, Limits.TitleMaxLength)
            ?? CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? (c.Components.IsDefaultOrEmpty
                ? Invalid("components", "required", "Name at least one component the maintenance touches.")
                : CheckComponents(state, c.Components))
            ?? CheckPlanned("scheduled_for", c.ScheduledFor, now)
            ?? CheckPlanned("scheduled_until", c.ScheduledUntil, now)
            ?? (c.ScheduledUntil <= c.ScheduledFor
                ? Invalid("scheduled_until", "after_scheduled_for", "A maintenance window must end after it starts.")
                : null)
            ?? CheckNotFuture(statedAt, now);
        if (bad is not null)
        {
            return bad;
        }
        return Decision.Accept(
            new PendingEntry(EntryKinds.MaintenanceScheduled, c.Id,
                new MaintenanceScheduled(c.Title.Trim(), c.Components, c.ScheduledFor, c.ScheduledUntil)),
            BodyEntry(EntryKinds.MaintenanceUpdatePosted, c.Id, c.Body,
                sha => new MaintenanceUpdatePosted(MaintenanceStatus.Scheduled, statedAt, sha, NoChanges)));
    }

    private static Decision DecideMaintenanceUpdate(StatusSnapshot state, PostMaintenanceUpdate c, DateTimeOffset now)
    {
        if (!state.Maintenances.TryGetValue(c.MaintenanceId, out var maintenance))
        {
            return NotFound("maintenance_id", "known_maintenance", $"There is no maintenance '{c.MaintenanceId}'.");
        }
        if (maintenance.Status.IsTerminal())
        {
            return Conflict("status", "maintenance_closed", $"This maintenance is {maintenance.Status.ToWord()}; it takes no further updates.");
        }
        var statedAt = c.StatedAt ?? now;
        var components = c.Components ?? NoChanges;
        var bad = (c.Status == MaintenanceStatus.Scheduled && maintenance.Status != MaintenanceStatus.Scheduled
                ? Conflict("status", "valid_transition", "A maintenance that has started cannot go back to scheduled.")
                : null)
            ?? CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckComponents(state, components.Keys)
            ?? CheckTimeInTimeline(statedAt, DateTimeOffset.MinValue, maintenance.LastStatedAt, now);
        if (bad is not null)
        {
            return bad;
        }
        if (c.Components is null && c.Status == MaintenanceStatus.InProgress)
        {
            components = maintenance.ComponentIds.ToImmutableSortedDictionary(id => id, _ => ComponentStatus.UnderMaintenance);
        }
        else if (c.Status.IsTerminal())
        {
            components = RestoreOperational(state, maintenance.Id, components);
        }
        return Decision.Accept(BodyEntry(EntryKinds.MaintenanceUpdatePosted, c.MaintenanceId, c.Body,
            sha => new MaintenanceUpdatePosted(c.Status, statedAt, sha, components)));
    }

    // On resolve/complete, components this subject left degraded return to operational unless the post says otherwise.
    private static ImmutableSortedDictionary<string, ComponentStatus> RestoreOperational(StatusSnapshot state, string subjectId,
        ImmutableSortedDictionary<string, ComponentStatus> explicitChanges)
    {
        var restored = explicitChanges;
        foreach (var component in state.Components.Values)
        {
            if (component.LastChangedBy == subjectId && component.Status != ComponentStatus.Operational
                && !explicitChanges.ContainsKey(component.Id))
            {
                restored = restored.Add(component.Id, ComponentStatus.Operational);
            }
        }
        return restored;
    }

    private static PendingEntry BodyEntry(string kind, string subject, string body, Func<string, IEntryPayload> payload) =>
        new(kind, subject, payload(LedgerEntry.Sha256Hex(body)), body);

    private static RuleViolation? CheckId(string field, string id) =>
        string.IsNullOrEmpty(id) || id.Length > Limits.IdMaxLength || !IdPattern().IsMatch(id)
            ? Invalid(field, "id_format", $"An id is 1 to {Limits.IdMaxLength} lowercase letters, digits and dashes.")
            : null;

    private static RuleViolation? CheckUnusedSubject(StatusSnapshot state, string id) =>
        state.Incidents.ContainsKey(id) || state.Maintenances.ContainsKey(id)
            ? Conflict("id", "unique_id", $"The id '{id}' is already used by an incident or a maintenance.")
            : null;

    private static RuleViolation? CheckText(string field, string? text, int maxLength) =>
        string.IsNullOrWhiteSpace(text) ? Invalid(field, "required", $"The {field} must not be empty.")
        : text.Length > maxLength ? Invalid(field, "max_length", $"The {field} must be at most {maxLength} characters.")
        : !SafeText.IsClean(text) ? Invalid(field, SafeText.Rule, SafeText.Message(field))
        : null;

    private static RuleViolation? CheckComponents(StatusSnapshot state, IEnumerable<string> ids) =>
        ids.FirstOrDefault(id => !state.Components.ContainsKey(id)) is { } unknown
            ? Invalid($"components.{unknown}", "known_component", $"There is no component '{unknown}'.")
            : null;

    private static RuleViolation? CheckNotFuture(DateTimeOffset statedAt, DateTimeOffset now) =>
        statedAt > now + Limits.FutureTolerance
            ? Invalid("stated_at", "not_in_future", "An update cannot be stated in the future.")
            : statedAt < Limits.EarliestTime ? Invalid("stated_at", TimeRules.MinTime, TimeRules.MinTimeMessage("stated_at"))
            : null;

    private static RuleViolation? CheckPlanned(string field, DateTimeOffset time, DateTimeOffset now) =>
        time < Limits.EarliestTime ? Invalid(field, TimeRules.MinTime, TimeRules.MinTimeMessage(field))
        : time > now + Limits.PlanningHorizon ? Invalid(field, TimeRules.MaxTime, TimeRules.MaxTimeMessage(field))
        : null;

    private static RuleViolation? CheckTimeInTimeline(DateTimeOffset statedAt, DateTimeOffset startedAt, DateTimeOffset latest,
        DateTimeOffset now) =>
        CheckNotFuture(statedAt, now)
        ?? (statedAt < startedAt
            ? Invalid("stated_at", "not_before_start", "An update cannot be stated before the incident started.")
            : statedAt < latest
                ? Invalid("stated_at", "not_before_latest_update", "An update cannot be stated before the latest update of its timeline.")
                : null);

    private static RuleViolation? CheckNextUpdate(IncidentStatus status, DateTimeOffset statedAt, DateTimeOffset? nextUpdateBy,
        DateTimeOffset now) =>
        nextUpdateBy is not { } next ? null
        : next > now + Limits.PlanningHorizon ? Invalid("next_update_by", TimeRules.MaxTime, TimeRules.MaxTimeMessage("next_update_by"))
        : status == IncidentStatus.Resolved
            ? Invalid("next_update_by", "none_when_resolved", "A resolved incident promises no next update.")
        : next <= statedAt
            ? Invalid("next_update_by", "after_update", "The next update must be promised for after this update.")
        : null;

    private static RuleViolation? CheckCause(StatusSnapshot state, CauseInput cause) => cause.Kind switch
    {
        CauseKind.Upstream when string.IsNullOrWhiteSpace(cause.Provider) =>
            Invalid("cause.provider", "required", "An upstream cause names the provider."),
        CauseKind.Upstream when !state.Providers.ContainsKey(cause.Provider!) =>
            Invalid("cause.provider", "known_provider", $"There is no upstream provider '{cause.Provider}'."),
        not CauseKind.Upstream when cause.Provider is not null || cause.Ticket is not null =>
            Invalid("cause.provider", "upstream_only", "Only an upstream cause names a provider and a ticket."),
        _ when cause.Ticket is { Length: > Limits.TicketMaxLength } =>
            Invalid("cause.ticket", "max_length", $"The ticket reference must be at most {Limits.TicketMaxLength} characters."),
        _ when !SafeText.IsClean(cause.Ticket) => Invalid("cause.ticket", SafeText.Rule, SafeText.Message("ticket")),
        _ => null,
    };

    private static RuleViolation UnknownIncident(string id) =>
        NotFound("incident_id", "known_incident", $"There is no incident '{id}'.");

    private static RuleViolation Invalid(string field, string rule, string message) => new(ViolationKind.Invalid, field, rule, message);

    private static RuleViolation NotFound(string field, string rule, string message) => new(ViolationKind.NotFound, field, rule, message);

    private static RuleViolation Conflict(string field, string rule, string message) => new(ViolationKind.Conflict, field, rule, message);
}
