using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

// RSS and Atom over the demo content: parsed by .NET's syndication classes and by Debian's python3-feedparser.
public sealed class FeedsTests(FeedsTests.Server server) : IClassFixture<FeedsTests.Server>
{
    private const string RebootIncident = "2026-08-19-fra1-region-reboot";
    private const string OpenIncident = "2026-11-23-query-latency-long-range";
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private readonly HttpClient _client = server.Client;

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new();

        public Server() => Client = _factory.CreateClient();

        public HttpClient Client { get; }

        public StatusSnapshot Snapshot => _factory.Services.GetRequiredService<LedgerService>().Current;

        public void Dispose() => _factory.Dispose();
    }

    [Theory]
    [InlineData("/history.atom", "application/atom+xml")]
    [InlineData("/history.rss", "application/rss+xml")]
    public async Task The_site_feed_has_the_latest_50_posts_one_item_each_with_unique_permalink_ids(string path, string mediaType)
    {
        var snapshot = server.Snapshot;
        var (response, feed) = await GetFeed(_client, path);

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var posts = snapshot.Incidents.Values.SelectMany(i => i.AllPosts.Select(p => (Page: "incidents/" + i.Id, Post: p)))
            .Concat(snapshot.Maintenances.Values.SelectMany(m => m.Posts.Select(p => (Page: "maintenance/" + m.Id, Post: p))))
            .ToList();
        Assert.True(posts.Count > 50);
        Assert.Equal(50, feed.Items.Count());
        Assert.Equal(50, feed.Items.Select(i => i.Id).Distinct().Count());
        var byId = posts.ToDictionary(p => $"https://status.tidewater.example/{p.Page}#update-{p.Post.Id}");
        var latest = posts.OrderByDescending(p => p.Post.StatedAt).ThenByDescending(p => p.Post.Seq).Take(50)
            .Select(p => $"https://status.tidewater.example/{p.Page}#update-{p.Post.Id}");
        Assert.Equal(latest, feed.Items.Select(i => i.Id));
        foreach (var item in feed.Items)
        {
            var post = byId[item.Id].Post;
            Assert.Equal(post.StatedAt, item.PublishDate);
            Assert.Equal(item.Id, Assert.Single(item.Links).Uri.AbsoluteUri);
            Assert.Matches(@"^\[[A-Z][a-z ,]+\] .+", item.Title.Text);
        }
        Assert.Contains(feed.Links, l => l.Uri.AbsoluteUri == "https://status.tidewater.example/history");
    }

    [Fact]
    public async Task An_incident_feed_has_every_post_including_the_correction_and_the_postmortem_with_published_and_updated()
    {
        var incident = server.Snapshot.Incidents[RebootIncident];
        var response = await _client.GetAsync(new Uri($"/incidents/{RebootIncident}/history.atom", UriKind.Relative));
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var entries = xml.Root!.Elements(Atom + "entry").ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(incident.AllPosts.Count, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.NotNull(e.Element(Atom + "published"));
            Assert.NotNull(e.Element(Atom + "updated"));
            Assert.Equal("html", e.Element(Atom + "content")!.Attribute("type")!.Value);
        });
        var titles = entries.Select(e => e.Element(Atom + "title")!.Value).ToList();
        Assert.Contains($"[Postmortem] {incident.Title}", titles);
        Assert.Contains($"[Correction] {incident.Title}", titles);
        Assert.Contains($"[Investigating] {incident.Title}", titles);
        var correction = incident.AllPosts.Single(p => p.Kind == PostKind.Correction);
        var correctionEntry = entries.Single(e => e.Element(Atom + "id")!.Value.EndsWith("#update-" + correction.Id, StringComparison.Ordinal));
        var html = correctionEntry.Element(Atom + "content")!.Value;
        Assert.Contains("Correction to the identified update of", html, StringComparison.Ordinal);
        Assert.Contains("<p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_component_feed_has_its_incidents_and_maintenance_and_unknown_ids_are_404()
    {
        var (_, feed) = await GetFeed(_client, "/components/storage-cluster/history.rss");
        var unknownComponent = await _client.GetAsync(new Uri("/components/no-such-thing/history.atom", UriKind.Relative));
        var unknownIncident = await _client.GetAsync(new Uri("/incidents/no-such-thing/history.atom", UriKind.Relative));

        Assert.Contains(feed.Items, i => i.Id.Contains("/maintenance/2026-11-18-storage-cluster-upgrade#update-", StringComparison.Ordinal));
        Assert.Contains(feed.Items, i => i.Title.Text == "[In progress] Storage cluster upgrade to version 5.2");
        Assert.DoesNotContain(feed.Items, i => i.Id.Contains("dashboard", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, unknownComponent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownIncident.StatusCode);
    }

    [Theory]
    [InlineData("/history.atom")]
    [InlineData("/history.rss")]
    [InlineData("/components/private-network/history.atom")]
    [InlineData("/components/private-network/history.rss")]
    [InlineData("/incidents/" + RebootIncident + "/history.atom")]
    public async Task Debian_feedparser_reads_each_feed_without_a_bozo_and_one_unique_id_per_item(string path)
    {
        var (_, feed) = await GetFeed(_client, path);
        var xml = await _client.GetByteArrayAsync(new Uri(path, UriKind.Relative));

        using var parsed = await FeedParser.Parse(xml);

        var root = parsed.RootElement;
        Assert.Equal(0, root.GetProperty("bozo").GetInt32());
        var entries = root.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(feed.Items.Count(), entries.Count);
        Assert.Equal(feed.Items.Select(i => i.Id), entries.Select(e => e.GetProperty("id").GetString()));
        Assert.All(entries, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("published").GetString()));
            Assert.StartsWith("https://status.tidewater.example/", e.GetProperty("link").GetString(), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("/history.atom")]
    [InlineData("/api/v2/summary.json")]
    [InlineData("/maintenance.ics")]
    [InlineData("/badge.svg")]
    public async Task HEAD_answers_with_the_headers_of_GET_and_no_body(string path)
    {
        var get = await _client.GetAsync(new Uri(path, UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative));

        var head = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Revalidating_a_feed_is_a_304_by_ETag_and_by_Last_Modified()
    {
        var first = await _client.GetAsync(new Uri("/history.atom", UriKind.Relative));
        using var byTag = new HttpRequestMessage(HttpMethod.Get, new Uri("/history.atom", UriKind.Relative));
        byTag.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, new Uri("/history.atom", UriKind.Relative));
        byDate.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri("/history.atom", UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1-0000000000000000\""));

        var notModified = await _client.SendAsync(byTag);
        var notModifiedSince = await _client.SendAsync(byDate);
        var changed = await _client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Content.Headers.LastModified);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, notModifiedSince.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Posting_an_update_adds_exactly_one_item_and_changes_no_other_and_a_redaction_replaces_only_that_text()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        var incidentFeed = $"/incidents/{OpenIncident}/history.atom";
        var beforeIncident = await Entries(client, incidentFeed);
        var beforeSite = await Entries(client, "/history.atom");
        var etag = (await client.GetAsync(new Uri(incidentFeed, UriKind.Relative))).Headers.ETag!;

        var posted = await ledger.AppendAsync(new PostUpdate(OpenIncident, IncidentStatus.Monitoring,
            "The rebuild finished. Secret: <hunter2>",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("query-api", ComponentStatus.Operational)), "tester");
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, new Uri(incidentFeed, UriKind.Relative));
        revalidate.Headers.IfNoneMatch.Add(etag);
        var revalidated = await client.SendAsync(revalidate);
        var afterIncident = await Entries(client, incidentFeed);
        var afterSite = await Entries(client, "/history.atom");

        Assert.True(posted.Succeeded);
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        var id = $"https://status.tidewater.example/incidents/{OpenIncident}#update-{posted.Entries[0].Id}";
        Assert.Equal(beforeIncident.Count + 1, afterIncident.Count);
        Assert.Equal(id, afterIncident[0].Id);
        Assert.Equal(beforeIncident, afterIncident.Skip(1));
        Assert.Equal(id, afterSite[0].Id);
        Assert.Equal(beforeSite.Take(49), afterSite.Skip(1));
        Assert.Equal($"[Monitoring] Elevated query latency for long-range queries", afterIncident[0].Title);
        Assert.Contains("Secret: &lt;hunter2&gt;", afterIncident[0].Content, StringComparison.Ordinal);
        Assert.Contains("Query API: Operational", afterIncident[0].Content, StringComparison.Ordinal);

        var redacted = await ledger.AppendAsync(new RedactPost(posted.Entries[0].Id, "pasted a secret"), "tester");
        var afterRedaction = await Entries(client, incidentFeed);

        Assert.True(redacted.Succeeded);
        Assert.Equal(afterIncident.Count, afterRedaction.Count);
        Assert.Equal(afterIncident.Skip(1), afterRedaction.Skip(1));
        Assert.Equal(afterIncident[0] with { Content = afterRedaction[0].Content, Updated = afterRedaction[0].Updated }, afterRedaction[0]);
        Assert.Contains("<strong>Redacted:</strong> pasted a secret", afterRedaction[0].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", afterRedaction[0].Content, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(afterRedaction[0].Updated, null) >= DateTimeOffset.Parse(afterRedaction[0].Published, null));
    }

    // The site feed skips incidents whose newest item cannot be among the latest 50 (FeedItems.ChooseForSite): an old incident
    // that gets a post, and one whose post is stated back in time, must still take their places by time and seq.
    [Fact]
    public async Task A_post_on_an_old_incident_and_a_post_stated_in_the_past_take_their_places_in_the_site_feed()
    {
        await using var factory = new StatusPageFactory();
        var client = factory.CreateClient();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        const string oldIncident = "2026-04-22-query-latency";
        var tenth = (await Entries(client, "/history.atom"))[9];

        var postmortem = await ledger.AppendAsync(new PublishPostmortem(oldIncident, "What happened in April, written up."), "tester");
        var backdated = await ledger.AppendAsync(new PublishPostmortem("2026-05-07-ingestion-5xx", "Written up late.",
            StatedAt: DateTimeOffset.Parse(tenth.Published, null).AddSeconds(1)), "tester");
        var feed = await Entries(client, "/history.atom");

        Assert.Null(postmortem.Violation);
        Assert.Null(backdated.Violation);
        var snapshot = ledger.Current;
        var expected = snapshot.Incidents.Values.SelectMany(i => i.AllPosts.Select(p => (Page: "incidents/" + i.Id, Post: p)))
            .Concat(snapshot.Maintenances.Values.SelectMany(m => m.Posts.Select(p => (Page: "maintenance/" + m.Id, Post: p))))
            .OrderByDescending(p => p.Post.StatedAt).ThenByDescending(p => p.Post.Seq).Take(50)
            .Select(p => $"https://status.tidewater.example/{p.Page}#update-{p.Post.Id}");
        Assert.Equal(expected, feed.Select(e => e.Id));
        Assert.Equal($"https://status.tidewater.example/incidents/{oldIncident}#update-{postmortem.Entries[0].Id}", feed[0].Id);
        Assert.Equal($"https://status.tidewater.example/incidents/2026-05-07-ingestion-5xx#update-{backdated.Entries[0].Id}", feed[10].Id);
    }

    private sealed record Entry(string Id, string Title, string Content, string Published, string Updated, string Link);

    private static async Task<List<Entry>> Entries(HttpClient client, string path)
    {
        var xml = XDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
        return [.. xml.Root!.Elements(Atom + "entry").Select(e => new Entry(
            e.Element(Atom + "id")!.Value, e.Element(Atom + "title")!.Value, e.Element(Atom + "content")!.Value,
            e.Element(Atom + "published")!.Value, e.Element(Atom + "updated")!.Value,
            e.Element(Atom + "link")!.Attribute("href")!.Value))];
    }

    private static async Task<(HttpResponseMessage Response, SyndicationFeed Feed)> GetFeed(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit });
        return (response, SyndicationFeed.Load(reader));
    }
}

// Debian's python3-feedparser (installed by test.sh), run with /usr/bin/python3 as Debian's Python modules need.
public static class FeedParser
{
    private const string Script = """
        import json, sys, feedparser
        d = feedparser.parse(sys.stdin.buffer.read())
        print(json.dumps({
            "bozo": int(d.bozo),
            "bozo_exception": str(d.get("bozo_exception", "")),
            "version": d.version,
            "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
                         "published": e.get("published", ""), "updated": e.get("updated", "")} for e in d.entries],
        }))
        """;

    public static async Task<JsonDocument> Parse(byte[] feed)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "Debian's python3 is missing: run ./test.sh");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.BaseStream.WriteAsync(feed, timeout.Token);
        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"feedparser failed ({process.ExitCode}): {await stderr}");
        return JsonDocument.Parse(await stdout);
    }
}
