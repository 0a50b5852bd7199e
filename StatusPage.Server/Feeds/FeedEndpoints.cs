using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.Feeds;

// RSS 2.0 and Atom 1.0: the site's history, a component's, an incident's. One item per post, the latest 50, rendered once per ledger head.
internal static class FeedEndpoints
{
    public const string AtomType = "application/atom+xml; charset=utf-8";
    public const string RssType = "application/rss+xml; charset=utf-8";

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private enum Format { Atom, Rss }

    public static IHostApplicationBuilder AddFeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<HeadCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        var feeds = app.MapGroup("").WithTags("Feeds");
        feeds.MapMethods("/history.atom", ReadMethods.GetAndHead, GetSiteAtom);
        feeds.MapMethods("/history.rss", ReadMethods.GetAndHead, GetSiteRss);
        feeds.MapMethods("/components/{id}/history.atom", ReadMethods.GetAndHead, GetComponentAtom);
        feeds.MapMethods("/components/{id}/history.rss", ReadMethods.GetAndHead, GetComponentRss);
        feeds.MapMethods("/incidents/{id}/history.atom", ReadMethods.GetAndHead, GetIncidentAtom);
        feeds.MapMethods("/incidents/{id}/history.rss", ReadMethods.GetAndHead, GetIncidentRss);
        return app;
    }

    private static CachedResult GetSiteAtom(LedgerService ledger, SiteSettingsHolder site, HeadCache cache, CoveringCheckpoints anchors) =>
        SiteFeed(ledger, site, cache, anchors, Format.Atom);

    private static CachedResult GetSiteRss(LedgerService ledger, SiteSettingsHolder site, HeadCache cache, CoveringCheckpoints anchors) =>
        SiteFeed(ledger, site, cache, anchors, Format.Rss);

    private static Results<CachedResult, NotFound> GetComponentAtom(string id, LedgerService ledger, SiteSettingsHolder site,
        HeadCache cache, CoveringCheckpoints anchors) => ComponentFeed(id, ledger, site, cache, anchors, Format.Atom);

    private static Results<CachedResult, NotFound> GetComponentRss(string id, LedgerService ledger, SiteSettingsHolder site,
        HeadCache cache, CoveringCheckpoints anchors) => ComponentFeed(id, ledger, site, cache, anchors, Format.Rss);

    private static Results<CachedResult, NotFound> GetIncidentAtom(string id, LedgerService ledger, SiteSettingsHolder site,
        HeadCache cache, CoveringCheckpoints anchors) => IncidentFeed(id, ledger, site, cache, anchors, Format.Atom);

    private static Results<CachedResult, NotFound> GetIncidentRss(string id, LedgerService ledger, SiteSettingsHolder site,
        HeadCache cache, CoveringCheckpoints anchors) => IncidentFeed(id, ledger, site, cache, anchors, Format.Rss);

    private static CachedResult SiteFeed(LedgerService ledger, SiteSettingsHolder holder, HeadCache cache, CoveringCheckpoints anchors, Format format)
    {
        var snapshot = ledger.Current;
        var site = holder.Current;
        var (anchor, etag) = FeedCheckpoint.Covering(snapshot, anchors, format == Format.Atom ? "/history.atom" : "/history.rss");
        var body = cache.GetOrRender(snapshot, $"feed/site/{format}/{etag}", s => Render(ledger.Transparency, anchor, site, format, new FeedHeader(
            $"{site.Name} status history", site.Name, $"Every update about the status of {site.Name}, newest first.",
            SiteLinks.Absolute(site, "history"), SiteLinks.Absolute(site, format == Format.Atom ? "history.atom" : "history.rss")),
            FeedItems.LatestForSite(s, site)));
        return new CachedResult(body, etag, MaxAge);
    }

    private static Results<CachedResult, NotFound> ComponentFeed(string id, LedgerService ledger, SiteSettingsHolder holder,
        HeadCache cache, CoveringCheckpoints anchors, Format format)
    {
        var snapshot = ledger.Current;
        if (!snapshot.Components.TryGetValue(id, out var component))
        {
            return TypedResults.NotFound();
        }
        var site = holder.Current;
        var page = SiteLinks.Component(site, id);
        var (anchor, etag) = FeedCheckpoint.Covering(snapshot, anchors, $"/components/{id}/history");
        var body = cache.GetOrRender(snapshot, $"feed/component/{id}/{format}/{etag}", s => Render(ledger.Transparency, anchor, site, format, new FeedHeader(
            $"{component.Name} — {site.Name} status history", site.Name, $"Every update about {component.Name}, newest first.", page,
            new Uri(page.AbsoluteUri + (format == Format.Atom ? "/history.atom" : "/history.rss"))),
            FeedItems.LatestForComponent(s, site, id)));
        return new CachedResult(body, etag, MaxAge);
    }

    private static Results<CachedResult, NotFound> IncidentFeed(string id, LedgerService ledger, SiteSettingsHolder holder,
        HeadCache cache, CoveringCheckpoints anchors, Format format)
    {
        var snapshot = ledger.Current;
        if (!snapshot.Incidents.TryGetValue(id, out var incident))
        {
            return TypedResults.NotFound();
        }
        var site = holder.Current;
        var page = SiteLinks.Incident(site, id);
        var (anchor, etag) = FeedCheckpoint.Covering(snapshot, anchors, $"/incidents/{id}/history");
        var body = cache.GetOrRender(snapshot, $"feed/incident/{id}/{format}/{etag}", s => Render(ledger.Transparency, anchor, site, format, new FeedHeader(
            $"{incident.Title} — {site.Name}", site.Name, "Every update of this incident, newest first.", page,
            new Uri(page.AbsoluteUri + (format == Format.Atom ? "/history.atom" : "/history.rss"))),
            FeedItems.LatestFirst(FeedItems.OfIncident(s, site, s.Incidents[id]))));
        return new CachedResult(body, etag, MaxAge);
    }

    private sealed record FeedHeader(string Title, string Author, string Description, Uri HtmlPage, Uri Self);

    private static Representation Render(TransparencyLog log, SignedCheckpoint? checkpoint, SiteSettings site, Format format, FeedHeader header, List<FeedItem> items)
    {
        var updated = items.Count == 0 ? DateTimeOffset.UnixEpoch : items.Max(i => i.Updated);
        // Channel and item text alike: a name or body already in the ledger may hold characters XML cannot carry (U+FFFD instead).
        header = header with
        {
            Title = SafeText.Clean(header.Title), Author = SafeText.Clean(header.Author), Description = SafeText.Clean(header.Description),
        };
        var feed = new SyndicationFeed(header.Title, header.Description, header.HtmlPage, header.Self.AbsoluteUri, updated)
        {
            Items = [.. items.Select(i => ToSyndication(i with { Html = i.Html + FeedCheckpoint.ItemLine(log, i.Seq) }))],
            Language = "en",
        };
        feed.Links.Add(new SyndicationLink(header.Self, "self", header.Title, format == Format.Atom ? "application/atom+xml" : "application/rss+xml", 0));
        FeedCheckpoint.AddTo(feed, checkpoint, site);
        var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false };
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            if (format == Format.Atom)
            {
                // Atom requires an author on the feed when entries have none.
                feed.Authors.Add(new SyndicationPerson { Name = header.Author });
                feed.SaveAsAtom10(writer);
            }
            else
            {
                feed.SaveAsRss20(writer);
            }
        }
        return new Representation(buffer.ToArray(), format == Format.Atom ? AtomType : RssType,
            items.Count == 0 ? null : updated);
    }

    private static SyndicationItem ToSyndication(FeedItem item)
    {
        var syndication = new SyndicationItem
        {
            Id = item.Id,
            Title = new TextSyndicationContent(SafeText.Clean(item.Title), TextSyndicationContentKind.Plaintext),
            Content = new TextSyndicationContent(SafeText.Clean(item.Html), TextSyndicationContentKind.Html),
            PublishDate = item.Published,
            LastUpdatedTime = item.Updated,
        };
        syndication.Links.Add(SyndicationLink.CreateAlternateLink(item.Link, "text/html"));
        return syndication;
    }
}
