using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// Opening an incident, its updates, reopening, postmortem and cause; declaring the upstream providers a cause can name.
internal sealed class IncidentFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.ProviderDeclared] = typeof(ProviderDeclared),
        [EntryKinds.IncidentOpened] = typeof(IncidentOpened),
        [EntryKinds.IncidentUpdatePosted] = typeof(IncidentUpdatePosted),
        [EntryKinds.IncidentReopened] = typeof(IncidentUpdatePosted),
        [EntryKinds.PostmortemPublished] = typeof(PostmortemPublished),
        [EntryKinds.CauseAttributed] = typeof(CauseAttributed),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        DeclareProvider c => DecideProvider(state, c),
        OpenIncident c => DecideOpen(state, c, now),
        PostUpdate c => DecideUpdate(state, c, now),
        ReopenIncident c => DecideReopen(state, c, now),
        PublishPostmortem c => DecidePostmortem(state, c, now),
        AttributeCause c => DecideCause(state, c),
        _ => null,
    };

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        switch (payload)
        {
            case ProviderDeclared p:
                state.Providers[entry.Subject] = new UpstreamProvider(entry.Subject, p.Name, p.Url);
                break;
            case IncidentOpened o:
                state.Incidents.Add(entry.Subject, new Incident(entry.Subject, o.Title, o.Impact, o.Components,
                    o.StartedAt, Cause.Unknown, [], entry.RecordedAt, entry.RecordedAt, entry.Author));
                break;
            case IncidentUpdatePosted u:
                AddIncidentPost(state, entry, Projection.NewPost(state, entry,
                    entry.Kind == EntryKinds.IncidentReopened ? PostKind.Reopen : PostKind.Update, PostStatus.Of(u.Status), u.StatedAt,
                    u.BodySha256, u.Components, u.NextUpdateBy), u.Components, u.StatedAt);
                break;
            case PostmortemPublished pm:
                AddIncidentPost(state, entry, Projection.NewPost(state, entry, PostKind.Postmortem, null, pm.StatedAt,
                    pm.BodySha256, ImmutableSortedDictionary<string, ComponentStatus>.Empty, null), null, pm.StatedAt);
                break;
            case CauseAttributed a:
                var incident = state.Incidents[entry.Subject];
                var cause = new Cause(a.Cause, a.Provider,
                    a.Provider is not null && state.Providers.TryGetValue(a.Provider, out var provider) ? provider.Name : a.Provider,
                    a.Ticket);
                state.Incidents[entry.Subject] = incident with
                {
                    Cause = cause,
                    Causes = incident.Causes.Add(new CauseAttribution(cause, entry.RecordedAt, state.Share(entry.Author), entry.Seq)),
                    UpdatedAt = entry.RecordedAt,
                };
                break;
            default:
                throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
    }

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
            ?? (startedAt < Limits.EarliestTime ? Violation(RuleCatalogue.MinTime, "started_at", TimeRules.MinTimeMessage("started_at")) : null)
            ?? (startedAt > statedAt
                ? Violation(RuleCatalogue.NotAfterFirstUpdate, "started_at", "An incident cannot start after its first update.")
                : null)
            ?? CheckNextUpdate(c.Status, statedAt, c.NextUpdateBy, now)
            ?? (c.Cause is null ? null : CheckCause(state, c.Cause, "cause."));
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
            return Violation(RuleCatalogue.ResolvedIncidentRequiresReopen, "status",
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
            components = RestoreOperational(state, incident.Id, statedAt, components);
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
            return Violation(RuleCatalogue.OnlyResolvedReopens, "status", "Only a resolved incident can be reopened; post an update instead.");
        }
        var statedAt = c.StatedAt ?? now;
        var components = c.Components ?? NoChanges;
        var bad = (c.Status == IncidentStatus.Resolved
                ? Violation(RuleCatalogue.ReopenStatus, "status", "A reopened incident is investigating, identified or monitoring.")
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

    private static Decision DecidePostmortem(StatusSnapshot state, PublishPostmortem c, DateTimeOffset now)
    {
        if (!state.Incidents.TryGetValue(c.IncidentId, out var incident))
        {
            return UnknownIncident(c.IncidentId);
        }
        if (incident.Status != IncidentStatus.Resolved)
        {
            return Violation(RuleCatalogue.PostmortemAfterResolve, "status", "A postmortem is published once the incident is resolved.");
        }
        if (incident.Postmortem is not null)
        {
            return Violation(RuleCatalogue.OnePostmortem, "body", "This incident already has a postmortem; correct it instead.");
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
        if (CheckCause(state, c.Cause, "") is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.CauseAttributed, c.IncidentId,
            new CauseAttributed(c.Cause.Kind, c.Cause.Provider, c.Cause.Ticket)));
    }

    private static RuleViolation? CheckNextUpdate(IncidentStatus status, DateTimeOffset statedAt, DateTimeOffset? nextUpdateBy,
        DateTimeOffset now) =>
        nextUpdateBy is not { } next ? null
        : next > now + Limits.PlanningHorizon ? Violation(RuleCatalogue.MaxTime, "next_update_by", TimeRules.MaxTimeMessage("next_update_by"))
        : status == IncidentStatus.Resolved
            ? Violation(RuleCatalogue.NoneWhenResolved, "next_update_by", "A resolved incident promises no next update.")
        : next <= statedAt
            ? Violation(RuleCatalogue.AfterUpdate, "next_update_by", "The next update must be promised for after this update.")
        : null;

    // Field names as the request names them: "cause.provider" inside a new incident, "provider" in a cause of its own.
    private static RuleViolation? CheckCause(StatusSnapshot state, CauseInput cause, string prefix) => cause.Kind switch
    {
        CauseKind.Upstream when string.IsNullOrWhiteSpace(cause.Provider) =>
            Violation(RuleCatalogue.Required, prefix + "provider", RuleCatalogue.UpstreamNamesProviderMessage),
        CauseKind.Upstream when !state.Providers.ContainsKey(cause.Provider!) =>
            Violation(RuleCatalogue.KnownProvider, prefix + "provider", RuleCatalogue.NoProvider(cause.Provider)),
        not CauseKind.Upstream when cause.Provider is not null || cause.Ticket is not null =>
            Violation(RuleCatalogue.UpstreamOnly, prefix + "provider", RuleCatalogue.UpstreamOnlyMessage),
        _ when cause.Ticket is { Length: > Limits.TicketMaxLength } =>
            Violation(RuleCatalogue.MaxLength, prefix + "ticket", RuleCatalogue.TicketAtMost),
        _ when !SafeText.IsClean(cause.Ticket) => Violation(RuleCatalogue.CleanText, prefix + "ticket", SafeText.Message("ticket")),
        _ => null,
    };

    private static RuleViolation UnknownIncident(string id) =>
        Violation(RuleCatalogue.IncidentNotFound, "incident_id", $"There is no incident '{id}'.");

    private static void AddIncidentPost(SnapshotBuilder state, LedgerEntry entry, Post post,
        ImmutableSortedDictionary<string, ComponentStatus>? components, DateTimeOffset statedAt)
    {
        var incident = state.Incidents[entry.Subject];
        state.Incidents[entry.Subject] = incident with { AllPosts = incident.AllPosts.Add(post), UpdatedAt = entry.RecordedAt };
        var owner = state.Share(entry.Subject);
        state.PostOwners.Add(post.Id, owner);
        foreach (var (componentId, status) in components ?? ImmutableSortedDictionary<string, ComponentStatus>.Empty)
        {
            Projection.AddStatusChange(state, entry, componentId, status, statedAt, owner);
        }
    }
}
