using System.Globalization;
using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Feeds;

// Feeds as witnesses: every feed carries a signed checkpoint, so a reader's cache keeps evidence the operator cannot take back:
// the first one that includes the feed's newest content (issue 15: a post elsewhere leaves this feed's bytes alone; the newest
// checkpoint is at /api/v1/ledger/checkpoint, which every feed links). Each item names the tree it entered (size = its entry's seq), which never changes, so items stay as published.
internal static class FeedCheckpoint
{
    // The namespace of the <tlog:checkpoint> element and the rel of the link to /api/v1/ledger/checkpoint (README.md).
    public const string Namespace = "https://c2sp.org/tlog-checkpoint";
    public const string Prefix = "tlog";

    // The checkpoint covering what the feed at `path` shows, and an entity tag that follows both (also the cache key, so a
    // checkpoint signed after start-up is not missed).
    public static (SignedCheckpoint? Checkpoint, string ETag) Covering(StatusSnapshot snapshot, CoveringCheckpoints anchors, string path)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var seq = ContentVersions.Of(snapshot).SeqFor(path);
        var checkpoint = anchors.For(seq)?.Checkpoint;
        return (checkpoint, string.Create(CultureInfo.InvariantCulture, $"\"v{seq}-cp{checkpoint?.Size ?? 0}\""));
    }

    public static void AddTo(SyndicationFeed feed, SignedCheckpoint? checkpoint, SiteSettings site)
    {
        feed.Links.Add(new SyndicationLink(SiteLinks.Absolute(site, "api/v1/ledger/checkpoint"), Namespace, "Signed checkpoint",
            "text/plain", 0));
        if (checkpoint is not { } latest)
        {
            return;
        }
        feed.AttributeExtensions.Add(new XmlQualifiedName(Prefix, "http://www.w3.org/2000/xmlns/"), Namespace);
        feed.ElementExtensions.Add(new XElement(XName.Get("checkpoint", Namespace), latest.Note));
    }

    // "Ledger entry #12 · tree size 12, root …": the root of the tree whose last leaf is this entry.
    public static string ItemLine(TransparencyLog log, long seq) => seq < 1 || seq > log.Tree.Size
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $"<p><small>Ledger entry #{seq} · tree size {seq}, root {Convert.ToBase64String(log.Tree.Root(seq))}</small></p>");
}
