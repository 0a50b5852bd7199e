using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// Correcting or redacting a post: the original stays in the ledger, the timeline shows what changed and why.
internal sealed class PostFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.Corrected] = typeof(Corrected),
        [EntryKinds.Redacted] = typeof(Redacted),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) => command switch
    {
        CorrectPost c => DecideCorrection(state, c, now),
        RedactPost c => DecideRedaction(state, c),
        _ => null,
    };

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        switch (payload)
        {
            case Corrected c:
                AddCorrection(state, entry, c);
                break;
            case Redacted r:
                WithPost(state, entry.Subject, r.Redacts,
                    p => p with { Body = null, Redaction = new Redaction(entry.Id, r.Reason, entry.RecordedAt, entry.Author) });
                break;
            default:
                throw new InvalidOperationException($"no projection for kind '{entry.Kind}'");
        }
    }

    private static Decision DecideCorrection(StatusSnapshot state, CorrectPost c, DateTimeOffset now)
    {
        if (state.FindPost(c.PostId) is not { } target)
        {
            return Violation(RuleCatalogue.UpdateNotFound, "update_id", $"There is no update '{c.PostId}' to correct.");
        }
        if (target.Kind == PostKind.Correction)
        {
            return Violation(RuleCatalogue.CorrectTheOriginal, "update_id",
                "A correction cannot itself be corrected; post a new correction of the original update.");
        }
        var statedAt = c.StatedAt ?? now;
        var bad = CheckText("body", c.Body, Limits.BodyMaxLength)
            ?? CheckText("reason", c.Reason, Limits.ReasonMaxLength)
            ?? CheckNotFuture(statedAt, now)
            ?? (statedAt < target.StatedAt
                ? Violation(RuleCatalogue.NotBeforeCorrectedUpdate, "stated_at", RuleCatalogue.NotBeforeCorrectedUpdateMessage)
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
            return Violation(RuleCatalogue.UpdateNotFound, "update_id", $"There is no update '{c.PostId}' to redact.");
        }
        if (target.Redaction is not null)
        {
            return Violation(RuleCatalogue.NotAlreadyRedacted, "update_id", "This update is already redacted.");
        }
        if (CheckText("reason", c.Reason, Limits.ReasonMaxLength) is { } bad)
        {
            return bad;
        }
        return Decision.Accept(new PendingEntry(EntryKinds.Redacted, state.PostOwners[c.PostId], new Redacted(c.PostId, c.Reason.Trim())));
    }

    private static void AddCorrection(SnapshotBuilder state, LedgerEntry entry, Corrected c)
    {
        var correction = new Post(entry.Id, entry.Seq, PostKind.Correction, null, c.StatedAt, entry.RecordedAt, state.Share(entry.Author),
            entry.Body, BodyDigest.Of(c.BodySha256), [], null, c.Corrects, c.Reason, [], null)
        { ContentOnLiveRecord = Projection.IsContentOnLiveRecord(state, entry.Author, entry.Subject) };
        WithPost(state, entry.Subject, c.Corrects, p => p with { CorrectedBy = p.CorrectedBy.Add(entry.Id) });
        WithTimeline(state, entry.Subject, posts => posts.Add(correction), entry.RecordedAt);
        state.PostOwners.Add(entry.Id, state.Share(entry.Subject));
    }

    private static void WithPost(SnapshotBuilder state, string subjectId, string postId, Func<Post, Post> change) =>
        WithTimeline(state, subjectId, posts =>
        {
            var index = posts.FindIndex(p => p.Id == postId);
            return posts.SetItem(index, change(posts[index]));
        }, updatedAt: null);

    private static void WithTimeline(SnapshotBuilder state, string subjectId, Func<ImmutableList<Post>, ImmutableList<Post>> change,
        DateTimeOffset? updatedAt)
    {
        if (state.Incidents.TryGetValue(subjectId, out var incident))
        {
            state.Incidents[subjectId] = incident with { AllPosts = change(incident.AllPosts), UpdatedAt = updatedAt ?? incident.UpdatedAt };
            return;
        }
        var maintenance = state.Maintenances[subjectId];
        state.Maintenances[subjectId] = maintenance with { Posts = change(maintenance.Posts), UpdatedAt = updatedAt ?? maintenance.UpdatedAt };
    }
}
