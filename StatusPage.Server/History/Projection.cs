using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// Folds ledger entries into the read model. Entries were checked when appended, so this only applies them.
internal static class Projection
{
    public static StatusSnapshot Apply(StatusSnapshot state, LedgerEntry entry)
    {
        var builder = new SnapshotBuilder(state);
        Apply(builder, entry, PayloadJson.Deserialize(entry.Kind, entry.Payload));
        return builder.ToSnapshot();
    }

    public static void Apply(SnapshotBuilder state, LedgerEntry entry) =>
        Apply(state, entry, PayloadJson.Deserialize(entry.Kind, entry.Payload));

    // For a replay that already parsed the payload while verifying the entry.
    public static void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        if (!EntryFamilies.TryApply(state, entry, payload))
        {
            throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
        if (IsPublicSubject(state, entry.Subject))
        {
            state.LastSeqBySubject[state.Share(entry.Subject)] = entry.Seq;
            state.LastPublicSeq = entry.Seq;
        }
        state.Head = new LedgerHead(entry.Seq, entry.Hash);
    }

    private static bool IsPublicSubject(SnapshotBuilder state, string subject) =>
        state.Incidents.ContainsKey(subject) || state.Maintenances.ContainsKey(subject) || state.Components.ContainsKey(subject)
        || state.Groups.ContainsKey(subject) || state.Providers.ContainsKey(subject);

    internal static Post NewPost(SnapshotBuilder state, LedgerEntry entry, PostKind kind, PostStatus? status, DateTimeOffset statedAt,
        string bodySha256, ImmutableSortedDictionary<string, ComponentStatus> components, DateTimeOffset? nextUpdateBy) =>
        new(entry.Id, entry.Seq, kind, status, statedAt, entry.RecordedAt, state.Share(entry.Author), entry.Body, BodyDigest.Of(bodySha256),
            [.. components.Select(c => new ComponentChange(state.Share(c.Key), StatusAt(state, c.Key, statedAt), c.Value))],
            nextUpdateBy, Corrects: null, Reason: null, CorrectedBy: [], Redaction: null)
        { ContentOnLiveRecord = IsContentOnLiveRecord(state, entry.Author, entry.Subject) };

    // Only history a content file created is imported: a file's update to an incident or maintenance opened through the API is
    // backdating like any other (marked on the update, counted from its recorded time "as recorded").
    internal static bool IsContentOnLiveRecord(SnapshotBuilder state, string author, string? subjectId) =>
        ContentAuthor.Is(author) && subjectId is not null
        && (state.Incidents.TryGetValue(subjectId, out var incident) ? !ContentAuthor.Is(incident.Author)
            : state.Maintenances.TryGetValue(subjectId, out var maintenance) && !ContentAuthor.Is(maintenance.Author));

    // Scans from the end: new posts are nearly always the latest, so this stays O(1) on long histories.
    private static ComponentStatus StatusAt(SnapshotBuilder state, string componentId, DateTimeOffset at)
    {
        if (!state.Components.ContainsKey(componentId))
        {
            return ComponentStatus.Operational;
        }
        var changes = state.ChangesOf(componentId);
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            if (changes[i].At <= at)
            {
                return changes[i].Status;
            }
        }
        return ComponentStatus.Operational;
    }

    // Status intervals are kept in stated-time order, so backfilled history lands where it happened.
    internal static void AddStatusChange(SnapshotBuilder state, LedgerEntry entry, string componentId, ComponentStatus status,
        DateTimeOffset at, string? sourceId)
    {
        var changes = state.ChangesOf(componentId);
        var index = changes.Count;
        while (index > 0 && changes[index - 1].At > at)
        {
            index--;
        }
        changes.Insert(index, new StatusChange(at, status, sourceId, entry.Seq, entry.RecordedAt, state.Share(entry.Author))
        {
            ContentOnLiveRecord = IsContentOnLiveRecord(state, entry.Author, sourceId),
        });
    }
}
