using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// Declaring groups and components, and setting a component's status outside any incident or maintenance.
internal sealed class ComponentFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.GroupDeclared] = typeof(GroupDeclared),
        [EntryKinds.ComponentDeclared] = typeof(ComponentDeclared),
        [EntryKinds.ComponentStatusSet] = typeof(ComponentStatusSet),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        DeclareGroup c => DecideGroup(state, c),
        DeclareComponent c => DecideComponent(state, c),
        SetComponentStatus c => DecideStatus(state, c, now),
        _ => null,
    };

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        switch (payload)
        {
            case GroupDeclared g:
                state.Groups[entry.Subject] = new ComponentGroup(entry.Subject, g.Name, g.Position,
                    state.Groups.TryGetValue(entry.Subject, out var old) ? old.CreatedAt : entry.RecordedAt, entry.RecordedAt);
                break;
            case ComponentDeclared c:
                state.Components[entry.Subject] = Declare(state, entry, c);
                break;
            case ComponentStatusSet s:
                Projection.AddStatusChange(state, entry, entry.Subject, s.Status, s.StatedAt, sourceId: null);
                break;
            default:
                throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
    }

    private static Decision DecideGroup(StatusSnapshot state, DeclareGroup c)
    {
        if ((CheckId("id", c.Id) ?? CheckText("name", c.Name, Limits.TitleMaxLength)) is { } bad)
        {
            return bad;
        }
        if (state.Components.ContainsKey(c.Id))
        {
            return Violation(RuleCatalogue.UniqueId, "id", $"'{c.Id}' is already a component.");
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
            return Violation(RuleCatalogue.KnownGroup, "group", RuleCatalogue.NoGroup(c.GroupId));
        }
        if (state.Groups.ContainsKey(c.Id))
        {
            return Violation(RuleCatalogue.UniqueId, "id", $"'{c.Id}' is already a component group.");
        }
        if (!SafeText.IsClean(c.Description))
        {
            return Violation(RuleCatalogue.CleanText, "description", SafeText.Message("description"));
        }
        if (c.SlaTarget is < 0 or > 100)
        {
            return Violation(RuleCatalogue.Percentage, "sla_target", RuleCatalogue.PercentageMessage);
        }
        var unchanged = state.Components.TryGetValue(c.Id, out var existing) && existing.Name == c.Name
            && existing.Description == c.Description && existing.GroupId == c.GroupId && existing.SlaTarget == c.SlaTarget
            && existing.Position == c.Position;
        return unchanged
            ? Decision.Accept()
            : Decision.Accept(new PendingEntry(EntryKinds.ComponentDeclared, c.Id,
                new ComponentDeclared(c.Name, c.Description, c.GroupId, c.SlaTarget, c.Position)));
    }

    private static Decision DecideStatus(StatusSnapshot state, SetComponentStatus c, DateTimeOffset now)
    {
        if (!state.Components.ContainsKey(c.ComponentId))
        {
            return Violation(RuleCatalogue.ComponentNotFound, "component_id", $"There is no component '{c.ComponentId}'.");
        }
        var statedAt = c.StatedAt ?? now;
        if (CheckNotFuture(statedAt, now) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.ComponentStatusSet, c.ComponentId, new ComponentStatusSet(c.Status, statedAt)));
    }

    private static ServiceComponent Declare(SnapshotBuilder state, LedgerEntry entry, ComponentDeclared c)
    {
        var revision = new ComponentRevision(c.Name, c.Description, c.SlaTarget, entry.RecordedAt, state.Share(entry.Author), entry.Seq);
        return state.Components.TryGetValue(entry.Subject, out var existing)
            ? existing with
            {
                Name = c.Name, Description = c.Description, GroupId = c.GroupId, SlaTarget = c.SlaTarget,
                Position = c.Position, UpdatedAt = entry.RecordedAt, Revisions = existing.Revisions.Add(revision),
            }
            : new ServiceComponent(entry.Subject, c.Name, c.Description, c.GroupId, c.SlaTarget, c.Position,
                entry.RecordedAt, entry.RecordedAt, []) { Revisions = [revision] };
    }
}
