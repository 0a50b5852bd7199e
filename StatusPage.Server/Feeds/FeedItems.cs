using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Markdown;
using StatusPage.Server.Site;

namespace StatusPage.Server.Feeds;

// One feed item per published post, and one per change of an incident's cause (news to a subscriber: who is blamed). Its id,
// date and text never change once published, except that a redaction replaces the text.
internal sealed record FeedItem(
    string Id,
    Uri Link,
    string Title,
    string Html,
    DateTimeOffset Published,
    DateTimeOffset Updated,
    long Seq);

// A feed item before its text is made: ordering needs only its time and seq, and a feed shows the latest 50 of thousands of posts
// (making every item's HTML first made each site-feed render read the whole history's Markdown).
internal readonly record struct PendingItem(DateTimeOffset Published, long Seq, Func<FeedItem> Make);

internal static class FeedItems
{
    public const int Latest = 50;

    // The site feed's items, chosen once per snapshot for both formats (Atom and RSS read the same 50, are fetched at the same
    // time, and choosing them reads every post of the history); settings changed since the snapshot's first choice: chosen anew.
    public static List<FeedItem> LatestForSite(StatusSnapshot snapshot, SiteSettings site)
    {
        var chosen = SiteLatest.GetValue(snapshot, s => new ChosenItems(site, new Lazy<List<FeedItem>>(() => ChooseForSite(s, site))));
        return ReferenceEquals(chosen.Site, site) ? chosen.Items.Value : ChooseForSite(snapshot, site);
    }

    private static List<FeedItem> ChooseForSite(StatusSnapshot snapshot, SiteSettings site) =>
        Choose(snapshot, site, snapshot.IncidentsNewestFirst, snapshot.Maintenances.Values);

    // A component's items: those of the incidents that name it or whose posts changed it, newest first, then those of the
    // maintenances that name it.
    public static List<FeedItem> LatestForComponent(StatusSnapshot snapshot, SiteSettings site, string componentId) =>
        Choose(snapshot, site, snapshot.IncidentsConcerning(componentId),
            snapshot.Maintenances.Values.Where(m => m.ComponentIds.Contains(componentId, StringComparer.Ordinal)));

    // The items of `incidents`, then of `maintenances`, as LatestFirst chooses them, without making the items of a record whose
    // newest item would not enter the latest 50 (most of the history, whose items cost two allocations each): the same items,
    // in the same order (a skipped item could only tie with the 50th kept on time and seq, and then loses on its later place).
    private static List<FeedItem> Choose(StatusSnapshot snapshot, SiteSettings site, IEnumerable<Incident> incidents,
        IEnumerable<Maintenance> maintenances)
    {
        var kept = new LatestKept();
        foreach (var incident in incidents)
        {
            if (kept.CouldTake(NewestOf(incident)))
            {
                kept.Offer(OfIncident(snapshot, site, incident));
            }
        }
        foreach (var maintenance in maintenances)
        {
            if (kept.CouldTake(NewestOf(maintenance)))
            {
                kept.Offer(OfMaintenance(snapshot, site, maintenance));
            }
        }
        return kept.Made();
    }

    // An incident's or maintenance's newest item on (time, seq), read once per record. Taken from OfIncident and OfMaintenance
    // themselves, so they cannot disagree; an item's time and seq do not depend on the snapshot or site (only its text does).
    private static (DateTimeOffset Published, long Seq) NewestOf(object record) =>
        Newest.GetValue(record, static r => new StrongBox<(DateTimeOffset, long)>((r switch
        {
            Incident incident => OfIncident(StatusSnapshot.Empty, SiteSettings.Default, incident),
            Maintenance maintenance => OfMaintenance(StatusSnapshot.Empty, SiteSettings.Default, maintenance),
            _ => throw new ArgumentException("An incident or a maintenance.", nameof(record)),
        }).Select(item => (item.Published, item.Seq)).DefaultIfEmpty().Max())).Value;

    private static readonly ConditionalWeakTable<object, StrongBox<(DateTimeOffset, long)>> Newest = [];

    private sealed record ChosenItems(SiteSettings Site, Lazy<List<FeedItem>> Items);

    private static readonly ConditionalWeakTable<StatusSnapshot, ChosenItems> SiteLatest = [];

    public static IEnumerable<PendingItem> OfIncident(StatusSnapshot snapshot, SiteSettings site, Incident incident) =>
        incident.AllPosts.Select(post => new PendingItem(post.StatedAt, post.Seq,
                () => Item(snapshot, SiteLinks.Incident(site, incident.Id), incident.Title, post, incident.AllPosts)))
            .Concat(CauseChanges(incident).Select(i => new PendingItem(incident.Causes[i].RecordedAt, incident.Causes[i].Seq,
                () => CauseItem(SiteLinks.Incident(site, incident.Id), incident, i))));

    // The attributions made after the incident was opened: the one recorded with the opening is in its first update's news.
    public static IEnumerable<int> CauseChanges(Incident incident) =>
        Enumerable.Range(0, incident.Causes.Count).Where(i => i > 0 || incident.Causes[i].RecordedAt > incident.CreatedAt);

    private static FeedItem CauseItem(Uri permalink, Incident incident, int index)
    {
        var attribution = incident.Causes[index];
        var link = new Uri(permalink.AbsoluteUri + "#record-" + attribution.Seq.ToString(CultureInfo.InvariantCulture));
        var html = new StringBuilder("<p>Cause: ").Append(Encode(CauseWords(attribution.Cause))).Append(".</p>");
        if (index > 0)
        {
            html.Append("<p>Before: ").Append(Encode(CauseWords(incident.Causes[index - 1].Cause))).Append(" (recorded ")
                .Append(Encode(Format(incident.Causes[index - 1].RecordedAt))).Append(").</p>");
        }
        html.Append("<p><small>Recorded ").Append(Encode(Format(attribution.RecordedAt))).Append(" by ")
            .Append(Encode(attribution.Author)).Append(".</small></p>");
        return new FeedItem(link.AbsoluteUri, link, $"[Cause changed] {incident.Title}", html.ToString(), attribution.RecordedAt,
            attribution.RecordedAt, attribution.Seq);
    }

    public static string CauseWords(Cause cause) => cause.Kind switch
    {
        CauseKind.Upstream => "upstream provider " + cause.ProviderName + (cause.Ticket is { } t ? $" (ticket {t})" : ""),
        CauseKind.Internal => "internal",
        _ => "not determined",
    };

    public static IEnumerable<PendingItem> OfMaintenance(StatusSnapshot snapshot, SiteSettings site, Maintenance maintenance) =>
        maintenance.Posts.Select(post => new PendingItem(post.StatedAt, post.Seq,
            () => Item(snapshot, SiteLinks.Maintenance(site, maintenance.Id), maintenance.Title, post, maintenance.Posts)));

    // Newest first by the time each post states, then by ledger order (then as enumerated); at most the latest 50, the only ones
    // made. Kept in a heap whose root is the oldest kept, so the history's posts are read once and never all held or sorted.
    public static List<FeedItem> LatestFirst(IEnumerable<PendingItem> items)
    {
        var kept = new LatestKept();
        kept.Offer(items);
        return kept.Made();
    }

    // The latest 50 items offered, by (time, seq), an earlier offer first among equals; made newest first.
    private sealed class LatestKept
    {
        private readonly PriorityQueue<PendingItem, (DateTimeOffset Published, long Seq, int Later)> _kept = new(Latest + 1);
        private int _index;

        // Whether an item at (published, seq) offered now could be kept.
        public bool CouldTake((DateTimeOffset Published, long Seq) newest) =>
            _kept.Count < Latest || (_kept.TryPeek(out _, out var oldest) && newest.CompareTo((oldest.Published, oldest.Seq)) > 0);

        public void Offer(IEnumerable<PendingItem> items)
        {
            foreach (var item in items)
            {
                var priority = (item.Published, item.Seq, -_index++);
                if (_kept.Count < Latest)
                {
                    _kept.Enqueue(item, priority);
                }
                else if (_kept.TryPeek(out _, out var oldest) && priority.CompareTo(oldest) > 0)
                {
                    _kept.DequeueEnqueue(item, priority);
                }
            }
        }

        public List<FeedItem> Made()
        {
            var latest = new List<FeedItem>(_kept.Count);
            while (_kept.TryDequeue(out var item, out _))
            {
                latest.Add(item.Make());
            }
            latest.Reverse();
            return latest;
        }
    }

    public static string Label(Post post) => post.Kind switch
    {
        PostKind.Correction => "Correction",
        PostKind.Postmortem => "Postmortem",
        PostKind.Reopen => "Reopened, " + Words(post.Status?.Word).ToLowerInvariant(),
        _ => Words(post.Status?.Word),
    };

    private static FeedItem Item(StatusSnapshot snapshot, Uri permalink, string title, Post post, IReadOnlyList<Post> timeline)
    {
        var link = SiteLinks.Post(permalink, post.Id);
        return new FeedItem(link.AbsoluteUri, link, $"[{Label(post)}] {title}", Html(snapshot, post, timeline), post.StatedAt,
            post.Redaction?.RecordedAt ?? post.StatedAt, post.Seq);
    }

    private static string Html(StatusSnapshot snapshot, Post post, IReadOnlyList<Post> timeline)
    {
        var html = new StringBuilder();
        if (post.Redaction is { } redaction)
        {
            html.Append("<p><strong>Redacted:</strong> ").Append(Encode(redaction.Reason)).Append("</p>");
        }
        else
        {
            if (post.Kind == PostKind.Correction)
            {
                var notice = PostText.BodyOf(post with { Body = "" }, timeline).TrimEnd();
                html.Append("<p><em>").Append(Encode(notice)).Append("</em></p>");
            }
            html.Append(MarkdownRenderer.ToHtml(post.Body ?? ""));
        }
        if (!post.ComponentChanges.IsDefaultOrEmpty)
        {
            html.Append("<ul>");
            foreach (var change in post.ComponentChanges)
            {
                var name = snapshot.Components.TryGetValue(change.ComponentId, out var c) ? c.Name : change.ComponentId;
                html.Append("<li>").Append(Encode(name)).Append(": ").Append(Encode(Words(change.NewStatus.ToWord()))).Append("</li>");
            }
            html.Append("</ul>");
        }
        if (post.IsBackfilled)
        {
            html.Append("<p><small>Recorded ").Append(Encode(Format(post.RecordedAt))).Append(", backfilled.</small></p>");
        }
        return html.ToString();
    }

    // "in_progress" → "In progress".
    public static string Words(string? word)
    {
        if (string.IsNullOrEmpty(word))
        {
            return "Update";
        }
        var spaced = word.Replace('_', ' ');
        return char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
