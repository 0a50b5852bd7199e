using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using StatusPage.Server.Operators;

namespace StatusPage.Server.History;

// Folds ledger entries into the read model. Entries were checked when appended, so this only applies them.
public static class Projection
{
    public static StatusSnapshot Apply(StatusSnapshot state, LedgerEntry entry) =>
        Apply(state, entry, PayloadJson.Deserialize(entry.Kind, entry.Payload));

    // For a replay that already parsed the payload while verifying the entry.
    public static StatusSnapshot Apply(StatusSnapshot state, LedgerEntry entry, IEntryPayload payload)
    {
        var next = payload switch
        {
            ProviderDeclared p => state with
            {
                Providers = state.Providers.SetItem(entry.Subject, new UpstreamProvider(entry.Subject, p.Name, p.Url)),
            },
            GroupDeclared g => state with
            {
                Groups = state.Groups.SetItem(entry.Subject, new ComponentGroup(entry.Subject, g.Name, g.Position,
                    state.Groups.TryGetValue(entry.Subject, out var old) ? old.CreatedAt : entry.RecordedAt, entry.RecordedAt)),
            },
            ComponentDeclared c => state with { Components = state.Components.SetItem(entry.Subject, Declare(state, entry, c)) },
            ComponentStatusSet s => WithStatusChanges(state, ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add(entry.Subject, s.Status),
                s.StatedAt, sourceId: null, entry.Seq),
            IncidentOpened o => state with
            {
                Incidents = state.Incidents.Add(entry.Subject, new Incident(entry.Subject, o.Title, o.Impact, o.Components,
                    o.StartedAt, Cause.Unknown, [], entry.RecordedAt, entry.RecordedAt, entry.Author)),
            },
            IncidentUpdatePosted u => AddIncidentPost(state, entry, NewPost(state, entry,
                entry.Kind == EntryKinds.IncidentReopened ? PostKind.Reopen : PostKind.Update, u.Status.ToWord(), u.StatedAt,
                u.BodySha256, u.Components, u.NextUpdateBy), u.Components, u.StatedAt),
            PostmortemPublished pm => AddIncidentPost(state, entry, NewPost(state, entry, PostKind.Postmortem, null, pm.StatedAt,
                pm.BodySha256, ImmutableSortedDictionary<string, ComponentStatus>.Empty, null), null, pm.StatedAt),
            CauseAttributed a => WithIncident(state, entry.Subject, i => i with
            {
                Cause = new Cause(a.Cause, a.Provider,
                    a.Provider is not null && state.Providers.TryGetValue(a.Provider, out var provider) ? provider.Name : a.Provider,
                    a.Ticket),
                UpdatedAt = entry.RecordedAt,
            }),
            MaintenanceScheduled m => state with
            {
                Maintenances = state.Maintenances.SetItem(entry.Subject,
                    state.Maintenances.TryGetValue(entry.Subject, out var existing)
                        ? existing with
                        {
                            Title = m.Title, ComponentIds = m.Components, ScheduledFor = m.ScheduledFor,
                            ScheduledUntil = m.ScheduledUntil, UpdatedAt = entry.RecordedAt, Revision = existing.Revision + 1,
                        }
                        : new Maintenance(entry.Subject, m.Title, m.Components, m.ScheduledFor, m.ScheduledUntil, [],
                            entry.RecordedAt, entry.RecordedAt, entry.Author, Revision: 0)),
            },
            MaintenanceUpdatePosted mu => AddMaintenancePost(state, entry, NewPost(state, entry, PostKind.Update,
                mu.Status.ToWord(), mu.StatedAt, mu.BodySha256, mu.Components, null), mu.Components, mu.StatedAt),
            Corrected c => AddCorrection(state, entry, c),
            Redacted r => ApplyRedaction(state, entry, r),
            IAccessPayload a => AccessProjection.Apply(state, entry, a),
            _ => throw new InvalidOperationException($"no projection for kind '{entry.Kind}'"),
        };
        return next with { Head = new LedgerHead(entry.Seq, entry.Hash) };
    }

    private static ServiceComponent Declare(StatusSnapshot state, LedgerEntry entry, ComponentDeclared c) =>
        state.Components.TryGetValue(entry.Subject, out var existing)
            ? existing with
            {
                Name = c.Name, Description = c.Description, GroupId = c.GroupId, SlaTarget = c.SlaTarget,
                Position = c.Position, UpdatedAt = entry.RecordedAt,
            }
            : new ServiceComponent(entry.Subject, c.Name, c.Description, c.GroupId, c.SlaTarget, c.Position,
                entry.RecordedAt, entry.RecordedAt, []);

    private static Post NewPost(StatusSnapshot state, LedgerEntry entry, PostKind kind, string? status, DateTimeOffset statedAt,
        string bodySha256, ImmutableSortedDictionary<string, ComponentStatus> components, DateTimeOffset? nextUpdateBy) =>
        new(entry.Id, entry.Seq, kind, status, statedAt, entry.RecordedAt, entry.Author, entry.Body, bodySha256,
            [.. components.Select(c => new ComponentChange(c.Key, StatusAt(state, c.Key, statedAt), c.Value))],
            nextUpdateBy, Corrects: null, Reason: null, CorrectedBy: [], Redaction: null);

    // Scans from the end: new posts are nearly always the latest, so this stays O(1) on long histories.
    internal static ComponentStatus StatusAt(StatusSnapshot state, string componentId, DateTimeOffset at)
    {
        if (!state.Components.TryGetValue(componentId, out var component))
        {
            return ComponentStatus.Operational;
        }
        for (var i = component.Changes.Count - 1; i >= 0; i--)
        {
            if (component.Changes[i].At <= at)
            {
                return component.Changes[i].Status;
            }
        }
        return ComponentStatus.Operational;
    }

    private static StatusSnapshot AddIncidentPost(StatusSnapshot state, LedgerEntry entry, Post post,
        ImmutableSortedDictionary<string, ComponentStatus>? components, DateTimeOffset statedAt)
    {
        var next = WithIncident(state, entry.Subject, i => i with { AllPosts = i.AllPosts.Add(post), UpdatedAt = entry.RecordedAt });
        next = next with { PostOwners = next.PostOwners.Add(post.Id, entry.Subject) };
        return components is null ? next : WithStatusChanges(next, components, statedAt, entry.Subject, entry.Seq);
    }

    private static StatusSnapshot AddMaintenancePost(StatusSnapshot state, LedgerEntry entry, Post post,
        ImmutableSortedDictionary<string, ComponentStatus> components, DateTimeOffset statedAt)
    {
        var maintenance = state.Maintenances[entry.Subject];
        var next = state with
        {
            Maintenances = state.Maintenances.SetItem(entry.Subject, maintenance with
            {
                Posts = maintenance.Posts.Add(post), UpdatedAt = entry.RecordedAt, Revision = maintenance.Revision + 1,
            }),
            PostOwners = state.PostOwners.Add(post.Id, entry.Subject),
        };
        return WithStatusChanges(next, components, statedAt, entry.Subject, entry.Seq);
    }

    private static StatusSnapshot AddCorrection(StatusSnapshot state, LedgerEntry entry, Corrected c)
    {
        var correction = new Post(entry.Id, entry.Seq, PostKind.Correction, null, c.StatedAt, entry.RecordedAt, entry.Author,
            entry.Body, c.BodySha256, [], null, c.Corrects, c.Reason, [], null);
        var next = WithPost(state, entry.Subject, c.Corrects, p => p with { CorrectedBy = p.CorrectedBy.Add(entry.Id) });
        next = WithTimeline(next, entry.Subject, posts => posts.Add(correction), entry.RecordedAt);
        return next with { PostOwners = next.PostOwners.Add(entry.Id, entry.Subject) };
    }

    private static StatusSnapshot ApplyRedaction(StatusSnapshot state, LedgerEntry entry, Redacted r) =>
        WithPost(state, entry.Subject, r.Redacts,
            p => p with { Body = null, Redaction = new Redaction(entry.Id, r.Reason, entry.RecordedAt, entry.Author) });

    private static StatusSnapshot WithPost(StatusSnapshot state, string subjectId, string postId, Func<Post, Post> change) =>
        WithTimeline(state, subjectId, posts =>
        {
            var index = posts.FindIndex(p => p.Id == postId);
            return posts.SetItem(index, change(posts[index]));
        }, updatedAt: null);

    private static StatusSnapshot WithTimeline(StatusSnapshot state, string subjectId, Func<ImmutableList<Post>, ImmutableList<Post>> change,
        DateTimeOffset? updatedAt)
    {
        if (state.Incidents.TryGetValue(subjectId, out var incident))
        {
            return state with
            {
                Incidents = state.Incidents.SetItem(subjectId,
                    incident with { AllPosts = change(incident.AllPosts), UpdatedAt = updatedAt ?? incident.UpdatedAt }),
            };
        }
        var maintenance = state.Maintenances[subjectId];
        return state with
        {
            Maintenances = state.Maintenances.SetItem(subjectId,
                maintenance with { Posts = change(maintenance.Posts), UpdatedAt = updatedAt ?? maintenance.UpdatedAt }),
        };
    }

    private static StatusSnapshot WithIncident(StatusSnapshot state, string id, Func<Incident, Incident> change) =>
        state with { Incidents = state.Incidents.SetItem(id, change(state.Incidents[id])) };

    // Status intervals are kept in stated-time order, so backfilled history lands where it happened.
    private static StatusSnapshot WithStatusChanges(StatusSnapshot state, ImmutableSortedDictionary<string, ComponentStatus> changes,
        DateTimeOffset at, string? sourceId, long seq)
    {
        var components = state.Components;
        foreach (var (componentId, status) in changes)
        {
            var component = components[componentId];
            var list = component.Changes;
            var index = list.Count;
            while (index > 0 && list[index - 1].At > at)
            {
                index--;
            }
            components = components.SetItem(componentId, component with
            {
                Changes = list.Insert(index, new StatusChange(at, status, sourceId, seq)),
            });
        }
        return state with { Components = components };
    }
}
