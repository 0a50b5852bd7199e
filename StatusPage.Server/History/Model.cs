using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// The read model: immutable records projected from the ledger. Everything derived (statuses, resolve time) is computed, never stored.
public sealed partial record StatusSnapshot(
    LedgerHead Head,
    ImmutableDictionary<string, UpstreamProvider> Providers,
    ImmutableDictionary<string, ComponentGroup> Groups,
    ImmutableDictionary<string, ServiceComponent> Components,
    ImmutableDictionary<string, Incident> Incidents,
    ImmutableDictionary<string, Maintenance> Maintenances,
    ImmutableDictionary<string, string> PostOwners,
    string? IntegrityProblem)
{
    public static readonly StatusSnapshot Empty = new(
        LedgerHead.Empty,
        ImmutableDictionary<string, UpstreamProvider>.Empty,
        ImmutableDictionary<string, ComponentGroup>.Empty,
        ImmutableDictionary<string, ServiceComponent>.Empty,
        ImmutableDictionary<string, Incident>.Empty,
        ImmutableDictionary<string, Maintenance>.Empty,
        ImmutableDictionary<string, string>.Empty,
        IntegrityProblem: null);

    public bool IsReadOnly => IntegrityProblem is not null;

    // Operators and API tokens, projected from operator.* and token.* entries (Operators/).
    public OperatorRoster Roster { get; init; } = OperatorRoster.Empty;

    // Writes made with an Idempotency-Key, by key hash, projected from request.completed entries (WriteApi/).
    public ImmutableDictionary<string, RecordedRequest> Requests { get; init; } = ImmutableDictionary<string, RecordedRequest>.Empty;

    // The log's signing keys after the first, projected from log.key_added entries (History/Keys/).
    public SigningKeys Keys { get; init; } = SigningKeys.None;

    // The seq of the last entry about each public subject (incident, maintenance, component, group, provider; a correction or
    // redaction counts for its timeline's owner): a page shows the checkpoint at which what it shows last changed (issue 15).
    public ImmutableDictionary<string, long> LastSeqBySubject { get; init; } = ImmutableDictionary<string, long>.Empty;

    // The last entry about any public subject (access, idempotency and key entries change no public page's content).
    public long LastPublicSeq { get; init; }

    public long LastSeqOf(string subject) => LastSeqBySubject.TryGetValue(subject, out var seq) ? seq : 0;

    // What upstream providers' status pages said during each incident, by incident id, projected from provider.status_observed.
    public ImmutableDictionary<string, ImmutableList<ProviderObservation>> ProviderObservations { get; init; } =
        ImmutableDictionary<string, ImmutableList<ProviderObservation>>.Empty;

    public IEnumerable<ServiceComponent> ComponentsInOrder =>
        Components.Values.OrderBy(c => c.Position).ThenBy(c => c.Name, StringComparer.Ordinal);

    public Post? FindPost(string postId) =>
        PostOwners.TryGetValue(postId, out var owner) ? FindTimeline(owner)?.FirstOrDefault(p => p.Id == postId) : null;

    public ImmutableList<Post>? FindTimeline(string subjectId) =>
        Incidents.TryGetValue(subjectId, out var incident) ? incident.AllPosts
        : Maintenances.TryGetValue(subjectId, out var maintenance) ? maintenance.Posts
        : null;
}

public sealed record UpstreamProvider(string Id, string Name, string? Url);

public sealed record ComponentGroup(string Id, string Name, int Position, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

// At is the stated time; RecordedAt and Author say who recorded it when (a change stated well before it was recorded is backfilled).
public sealed record StatusChange(DateTimeOffset At, ComponentStatus Status, string? SourceId, long Seq, DateTimeOffset? RecordedAt = null,
    string? Author = null)
{
    public bool IsBackfilled => RecordedAt is { } recorded && Limits.IsBackfilled(At, recorded);

    // Set by the projection when a content file adds to an incident or maintenance created through the API: that is backdating.
    public bool ContentOnLiveRecord { get; init; }

    public bool IsImported => ContentAuthor.Is(Author) && !ContentOnLiveRecord;
}

// Entries the content ingestion appends (Content/) are authored "content/<file>" (docs/LEDGER.md; user names cannot hold "/"):
// history imported from files, times as stated.
internal static class ContentAuthor
{
    public const string Prefix = "content/";

    public static bool Is(string? author) => author is not null && author.StartsWith(Prefix, StringComparison.Ordinal);
}

public sealed record ServiceComponent(
    string Id,
    string Name,
    string? Description,
    string? GroupId,
    decimal? SlaTarget,
    int Position,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ImmutableList<StatusChange> Changes)
{
    public ComponentStatus Status => Changes.IsEmpty ? ComponentStatus.Operational : Changes[^1].Status;

    public string? LastChangedBy => Changes.IsEmpty ? null : Changes[^1].SourceId;

    // Every declaration of this component (name, description, SLA target) in ledger order, with who recorded it and when.
    public ImmutableList<ComponentRevision> Revisions { get; init; } = [];

    // The name in force at a time: the last declaration recorded by then (the first one for anything earlier).
    public string NameAt(DateTimeOffset at) => RevisionAt(at)?.Name ?? Name;

    public decimal? SlaTargetAt(DateTimeOffset at) => Revisions.IsEmpty ? SlaTarget : RevisionAt(at)!.SlaTarget;

    private ComponentRevision? RevisionAt(DateTimeOffset at) =>
        Revisions.LastOrDefault(r => r.RecordedAt <= at) ?? Revisions.FirstOrDefault();

    // The change in force at a stated time: Changes is in stated-time order, ties in ledger order, so the last one at or before it.
    public StatusChange? ChangeAt(DateTimeOffset at)
    {
        for (var i = Changes.Count - 1; i >= 0; i--)
        {
            if (Changes[i].At <= at)
            {
                return Changes[i];
            }
        }
        return null;
    }
}

public sealed record ComponentRevision(string Name, string? Description, decimal? SlaTarget, DateTimeOffset RecordedAt, string Author,
    long Seq);

public enum PostKind { Update, Reopen, Correction, Postmortem }

public sealed record ComponentChange(string ComponentId, ComponentStatus OldStatus, ComponentStatus NewStatus);

public sealed record Redaction(string Id, string Reason, DateTimeOffset RecordedAt, string Author);

// The status a post set: an incident's or a maintenance's, exactly one of the two. Typed inside; Word (and ToString) only at
// the edges (JSON, pages, feeds, emails).
public readonly record struct PostStatus(IncidentStatus? Incident, MaintenanceStatus? Maintenance)
{
    public static PostStatus Of(IncidentStatus status) => new(status, null);

    public static PostStatus Of(MaintenanceStatus status) => new(null, status);

    public string Word => Incident?.ToWord() ?? Maintenance?.ToWord() ?? "";

    // Resolved, completed or cancelled: nothing further is promised after it.
    public bool IsFinal => Incident == IncidentStatus.Resolved || Maintenance?.IsTerminal() == true;

    public override string ToString() => Word;
}

// One published text in a timeline: an update, a reopen, a correction or a postmortem. Status is the status set by that post
// (none for a correction or a postmortem).
public sealed record Post(
    string Id,
    long Seq,
    PostKind Kind,
    PostStatus? Status,
    DateTimeOffset StatedAt,
    DateTimeOffset RecordedAt,
    string Author,
    string? Body,
    BodyDigest BodySha256,
    ImmutableArray<ComponentChange> ComponentChanges,
    DateTimeOffset? NextUpdateBy,
    string? Corrects,
    string? Reason,
    ImmutableList<string> CorrectedBy,
    Redaction? Redaction)
{
    // Held as UTF-8: bodies are most of the read model's text (18 million characters at 100,000 entries, half the bytes).
    private readonly byte[]? _body = Utf8(Body);

    public string? Body
    {
        get => _body is null ? null : Encoding.UTF8.GetString(_body);
        init => _body = Utf8(value);
    }

    // The body's UTF-8 as held: the read-model snapshot's binary format writes and reads it with no string in between.
    internal byte[]? BodyUtf8
    {
        get => _body;
        init => _body = value;
    }

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    public bool IsBackfilled => Limits.IsBackfilled(StatedAt, RecordedAt);

    // Set by the projection when a content file adds to an incident or maintenance created through the API: that is backdating.
    public bool ContentOnLiveRecord { get; init; }

    public bool IsImported => ContentAuthor.Is(Author) && !ContentOnLiveRecord;

    public bool IsStatusUpdate => Kind is PostKind.Update or PostKind.Reopen;
}

public sealed record Cause(CauseKind Kind, string? ProviderId, string? ProviderName, string? Ticket)
{
    public static readonly Cause Unknown = new(CauseKind.Unknown, null, null, null);
}

// One incident.cause_attributed entry: what it said, when it was recorded and by whom (an operator, a token, a content file).
public sealed record CauseAttribution(Cause Cause, DateTimeOffset RecordedAt, string Author, long Seq);

public sealed record Incident(
    string Id,
    string Title,
    Impact Impact,
    ImmutableArray<string> ComponentIds,
    DateTimeOffset StartedAt,
    Cause Cause,
    ImmutableList<Post> AllPosts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Author)
{
    // Every cause attribution in ledger order; Cause is the last one's. An attribution never replaces one silently.
    public ImmutableList<CauseAttribution> Causes { get; init; } = [];

    public IEnumerable<Post> Updates => AllPosts.Where(p => p.IsStatusUpdate);

    public Post? LatestUpdate => AllPosts.LastOrDefault(p => p.IsStatusUpdate);

    public Post? Postmortem => AllPosts.LastOrDefault(p => p.Kind == PostKind.Postmortem);

    public IncidentStatus Status =>
        LatestUpdate?.Status?.Incident ?? IncidentStatus.Investigating;

    // Once per record (keyed by identity, so a `with` copy computes its own): month pages, uptime days and versions ask it of every
    // incident of the history, and it reads the posts from the end twice. The replay asks it only of provider observations.
    public DateTimeOffset? ResolvedAt => Resolved.GetValue(this,
        static i => new StrongBox<DateTimeOffset?>(i.Status == IncidentStatus.Resolved ? i.LatestUpdate?.StatedAt : null)).Value;

    private static readonly ConditionalWeakTable<Incident, StrongBox<DateTimeOffset?>> Resolved = [];

    public DateTimeOffset? MonitoringAt =>
        Status is IncidentStatus.Monitoring or IncidentStatus.Resolved
            ? Updates.LastOrDefault(p => p.Status?.Incident == IncidentStatus.Monitoring)?.StatedAt
            : null;

    public DateTimeOffset LastStatedAt => AllPosts.IsEmpty ? StartedAt : AllPosts.Max(p => p.StatedAt);

    public DateTimeOffset? NextUpdateBy => Status == IncidentStatus.Resolved ? null : LatestUpdate?.NextUpdateBy;
}

public sealed record Maintenance(
    string Id,
    string Title,
    ImmutableArray<string> ComponentIds,
    DateTimeOffset ScheduledFor,
    DateTimeOffset ScheduledUntil,
    ImmutableList<Post> Posts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Author,
    int Revision)
{
    public MaintenanceStatus Status =>
        Posts.LastOrDefault(p => p.IsStatusUpdate)?.Status?.Maintenance ?? MaintenanceStatus.Scheduled;

    public DateTimeOffset LastStatedAt => Posts.IsEmpty ? CreatedAt : Posts.Max(p => p.StatedAt);
}
