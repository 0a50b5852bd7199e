using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// Scheduling a maintenance window and posting to its timeline.
internal sealed class MaintenanceFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.MaintenanceScheduled] = typeof(MaintenanceScheduled),
        [EntryKinds.MaintenanceUpdatePosted] = typeof(MaintenanceUpdatePosted),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        ScheduleMaintenance c => DecideSchedule(state, c, now),
        PostMaintenanceUpdate c => DecideUpdate(state, c, now),
        _ => null,
    };

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        switch (payload)
        {
            case MaintenanceScheduled m:
                state.Maintenances[entry.Subject] = state.Maintenances.TryGetValue(entry.Subject, out var existing)
                    ? existing with
                    {
                        Title = m.Title, ComponentIds = m.Components, ScheduledFor = m.ScheduledFor,
                        ScheduledUntil = m.ScheduledUntil, UpdatedAt = entry.RecordedAt, Revision = existing.Revision + 1,
                    }
                    : new Maintenance(entry.Subject, m.Title, m.Components, m.ScheduledFor, m.ScheduledUntil, [],
                        entry.RecordedAt, entry.RecordedAt, entry.Author, Revision: 0);
                break;
            case MaintenanceUpdatePosted mu:
                AddPost(state, entry, Projection.NewPost(state, entry, PostKind.Update,
                    PostStatus.Of(mu.Status), mu.StatedAt, mu.BodySha256, mu.Components, null), mu.Components, mu.StatedAt);
                break;
            default:
                throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
    }

    private static Decision DecideSchedule(StatusSnapshot state, ScheduleMaintenance c, DateTimeOffset now)
    {
        var statedAt = c.StatedAt ?? now;
        var bad = CheckId("id", c.Id)
            ?? CheckUnusedSubject(state, c.Id)
            ?? CheckText("title", c.Title, Limits.TitleMaxLength)
            ?? CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? (c.Components.IsDefaultOrEmpty
                ? Violation(RuleCatalogue.Required, "components", "Name at least one component the maintenance touches.")
                : CheckComponents(state, c.Components))
            ?? CheckPlanned("scheduled_for", c.ScheduledFor, now)
            ?? CheckPlanned("scheduled_until", c.ScheduledUntil, now)
            ?? (c.ScheduledUntil <= c.ScheduledFor
                ? Violation(RuleCatalogue.AfterScheduledFor, "scheduled_until", "A maintenance window must end after it starts.")
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

    private static Decision DecideUpdate(StatusSnapshot state, PostMaintenanceUpdate c, DateTimeOffset now)
    {
        if (!state.Maintenances.TryGetValue(c.MaintenanceId, out var maintenance))
        {
            return Violation(RuleCatalogue.MaintenanceNotFound, "maintenance_id", $"There is no maintenance '{c.MaintenanceId}'.");
        }
        if (maintenance.Status.IsTerminal())
        {
            return Violation(RuleCatalogue.MaintenanceClosed, "status", $"This maintenance is {maintenance.Status.ToWord()}; it takes no further updates.");
        }
        var statedAt = c.StatedAt ?? now;
        var components = c.Components ?? NoChanges;
        var bad = (c.Status == MaintenanceStatus.Scheduled && maintenance.Status != MaintenanceStatus.Scheduled
                ? Violation(RuleCatalogue.ValidTransition, "status", "A maintenance that has started cannot go back to scheduled.")
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
            components = RestoreOperational(state, maintenance.Id, statedAt, components);
        }
        return Decision.Accept(BodyEntry(EntryKinds.MaintenanceUpdatePosted, c.MaintenanceId, c.Body,
            sha => new MaintenanceUpdatePosted(c.Status, statedAt, sha, components)));
    }

    private static void AddPost(SnapshotBuilder state, LedgerEntry entry, Post post,
        ImmutableSortedDictionary<string, ComponentStatus> components, DateTimeOffset statedAt)
    {
        var maintenance = state.Maintenances[entry.Subject];
        state.Maintenances[entry.Subject] = maintenance with
        {
            Posts = maintenance.Posts.Add(post), UpdatedAt = entry.RecordedAt, Revision = maintenance.Revision + 1,
        };
        var owner = state.Share(entry.Subject);
        state.PostOwners.Add(post.Id, owner);
        foreach (var (componentId, status) in components)
        {
            Projection.AddStatusChange(state, entry, componentId, status, statedAt, owner);
        }
    }
}
