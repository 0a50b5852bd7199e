using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// Components, their groups and their stated statuses: kinds, payloads and commands (decided and projected by ComponentFamily;
// payload types listed in PayloadJsonContext).
internal static partial class EntryKinds
{
    public const string GroupDeclared = "group.declared";
    public const string ComponentDeclared = "component.declared";
    public const string ComponentStatusSet = "component.status_set";
}

internal sealed record GroupDeclared(string Name, int Position) : IEntryPayload;

internal sealed record ComponentDeclared(string Name, string? Description, string? GroupId, decimal? SlaTarget, int Position)
    : IEntryPayload;

internal sealed record ComponentStatusSet(ComponentStatus Status, DateTimeOffset StatedAt) : IEntryPayload;

internal sealed record DeclareGroup(string Id, string Name, int Position) : HistoryCommand;

internal sealed record DeclareComponent(string Id, string Name, string? Description, string? GroupId, decimal? SlaTarget, int Position)
    : HistoryCommand;

internal sealed record SetComponentStatus(string ComponentId, ComponentStatus Status, DateTimeOffset? StatedAt = null) : HistoryCommand;
