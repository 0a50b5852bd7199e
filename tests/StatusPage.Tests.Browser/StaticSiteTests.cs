using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The exported site needs no server logic: nginx with deploy/nginx.conf and Caddy with deploy/Caddyfile serve it, a browser
// reads it as it reads the dynamic site. The same tests run against each host.
public sealed class StaticSiteOnNginxTests(NginxExport site) : StaticSiteTests<NginxExport>(site);

public sealed class StaticSiteOnCaddyTests(CaddyExport site) : StaticSiteTests<CaddyExport>(site);

public abstract class StaticSiteTests<THost>(THost site) : IClassFixture<THost> where THost : StaticHostExport
{
    private const string ShortCache = "public, max-age=10, must-revalidate";
    private const string ImmutableCache = "public, max-age=31536000, immutable";

    [Fact]
    public async Task Home_page_from_the_static_host_links_to_an_incident_that_opens()
    {
        await using var context = await site.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var page = await PublicPages.OpenAsync(context, "/");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.NotEqual("", PublicPages.Squash(await page.Locator("section.banner h1").InnerTextAsync()));

        var link = page.Locator("article.incident h3 a").First;
        var title = PublicPages.Squash(await link.InnerTextAsync());
        var href = await link.GetAttributeAsync("href");
        await link.ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At(href!), page.Locator("main h1"));
        Assert.Equal(title, PublicPages.Squash(await page.Locator("main h1").InnerTextAsync()));
        Assert.Equal("Timeline", PublicPages.Squash(await page.Locator("main h2").First.InnerTextAsync()));
    }

    [Fact]
    public async Task French_pages_from_the_static_host_are_under_fr_and_their_links_stay_french()
    {
        await using var context = await site.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var page = await PublicPages.OpenAsync(context, "/");
        await page.Locator("header.site-header nav a[hreflang=fr]").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/fr/"), page.Locator("html[lang=fr]"));
        Assert.Equal("Perturbation mineure", PublicPages.Squash(await page.Locator("section.banner h1").InnerTextAsync()));

        await page.Locator("header.site-header nav a[href='/fr/history']").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/fr/history"), page.Locator("main h1", new PageLocatorOptions { HasTextString = "Historique" }));
        await page.Locator("header.site-header nav a[hreflang=en]").ClickAsync();
        await PublicPages.WaitForPageAsync(page, PublicPages.At("/history?lang=en"), page.Locator("html[lang=en]"));
    }

    [Fact]
    public async Task Feeds_from_the_static_host_are_atom_and_rss_with_the_sites_entries()
    {
        await using var context = await site.NewContextAsync();
        var atom = await context.APIRequest.GetAsync("/history.atom");
        Assert.Equal(200, atom.Status);
        Assert.StartsWith("application/atom+xml", atom.Headers["content-type"], StringComparison.Ordinal);
        var feed = XDocument.Parse(await atom.TextAsync());
        XNamespace a = "http://www.w3.org/2005/Atom";
        Assert.NotEmpty(feed.Root!.Elements(a + "entry"));
        Assert.All(feed.Root.Elements(a + "entry"), e => Assert.StartsWith("https://status.tidewater.example/", e.Element(a + "link")!.Attribute("href")!.Value, StringComparison.Ordinal));

        var rss = await context.APIRequest.GetAsync("/history.rss");
        Assert.StartsWith("application/rss+xml", rss.Headers["content-type"], StringComparison.Ordinal);
        Assert.NotEmpty(XDocument.Parse(await rss.TextAsync()).Descendants("item"));
    }

    [Fact]
    public async Task Every_exported_url_from_the_static_host_has_the_exported_bytes_and_its_precompressed_sibling()
    {
        using var client = RawClient();
        // (The not-found pages are what the host answers for a missing file: checked below.)
        foreach (var entry in PublicEntries())
        {
            var bytes = await client.GetByteArrayAsync(entry.Url);
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(site.Site, entry.Path))), $"{entry.Url} differs from {entry.Path}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var brotli = await client.SendAsync(request);
        Assert.Equal("br", Assert.Single(brotli.Content.Headers.ContentEncoding));
        Assert.Equal(File.ReadAllBytes(Path.Combine(site.Site, "index.html.br")), await brotli.Content.ReadAsByteArrayAsync());
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, "/history.atom");
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip");
        using var gzip = await client.SendAsync(gzipRequest);
        Assert.Equal("gzip", Assert.Single(gzip.Content.Headers.ContentEncoding));

        var css = site.Manifest.Values.Single(e => e.Url is not null && e.Url.StartsWith("/app.", StringComparison.Ordinal) && e.Url.EndsWith(".css", StringComparison.Ordinal));
        using var asset = await client.GetAsync(css.Url);
        Assert.Equal(ImmutableCache, asset.Headers.NonValidated["Cache-Control"].ToString());
        using var home = await client.GetAsync("/");
        Assert.Equal(ShortCache, home.Headers.NonValidated["Cache-Control"].ToString());
        Assert.StartsWith("text/html", home.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        using var ledger = await client.GetAsync("/api/v1/ledger");
        Assert.Equal("application/x-ndjson", ledger.Content.Headers.ContentType!.MediaType);
        using var missing = await client.GetAsync("/fr/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<html lang=\"fr\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A full tile the export does not have yet (a reader ahead of it) and an unknown fingerprinted asset: a 404 that no
        // cache keeps for a year, and the not-found page is not labelled binary.
        foreach (var notYet in new[] { "/ledger/tile/0/x999/999", "/ledger/tile/entries/x999/999", "/app.0123456789.css" })
        {
            using var absent = await client.GetAsync(notYet);
            Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
            var cacheControl = absent.Headers.NonValidated.TryGetValues("Cache-Control", out var values) ? values.ToString() : "";
            Assert.DoesNotContain("immutable", cacheControl, StringComparison.Ordinal);
            Assert.NotEqual("application/octet-stream", absent.Content.Headers.ContentType?.MediaType);
        }
    }

    // Every URL, asked for as a browser asks (br, then gzip, then neither): the manifest's content type and charset, the cache
    // class's Cache-Control, the sibling's bytes under its Content-Encoding, Vary on the encoding.
    [Theory]
    [InlineData("br", ".br")]
    [InlineData("gzip", ".gz")]
    [InlineData(null, "")]
    public async Task Every_exported_url_from_the_static_host_has_its_content_type_cache_class_and_encoding(string? encoding, string sibling)
    {
        using var client = RawClient();
        foreach (var entry in PublicEntries())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, entry.Url);
            if (encoding is not null)
            {
                request.Headers.AcceptEncoding.ParseAdd(encoding);
            }
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var expected = MediaTypeHeaderValue.Parse(entry.ContentType);
            var actual = response.Content.Headers.ContentType!;
            Assert.True(SameMediaType(expected.MediaType!, actual.MediaType!), $"{entry.Url}: {actual} is not {expected}");
            if (expected.CharSet is not null)
            {
                Assert.True(string.Equals(expected.CharSet, actual.CharSet, StringComparison.OrdinalIgnoreCase), $"{entry.Url}: {actual} has not the charset of {expected}");
            }
            var cache = entry.Cache == "immutable" ? ImmutableCache : ShortCache;
            Assert.True(cache == response.Headers.NonValidated["Cache-Control"].ToString(), $"{entry.Url}: Cache-Control {response.Headers.NonValidated["Cache-Control"]}, not {cache} ({entry.Cache})");
            Assert.Equal("nosniff", response.Headers.NonValidated["X-Content-Type-Options"].ToString());
            var precompressed = site.Manifest.ContainsKey(entry.Path + sibling) && sibling != "";
            Assert.True((precompressed ? encoding : null) == response.Content.Headers.ContentEncoding.SingleOrDefault(),
                $"{entry.Url} with Accept-Encoding {encoding}: Content-Encoding {string.Join(",", response.Content.Headers.ContentEncoding)}");
            var body = await response.Content.ReadAsByteArrayAsync();
            var file = Path.Combine(site.Site, entry.Path + (precompressed ? sibling : ""));
            Assert.True(body.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{entry.Url} with Accept-Encoding {encoding} is not {file}");
            if (site.Manifest.ContainsKey(entry.Path + ".gz"))
            {
                Assert.Contains("Accept-Encoding", response.Headers.Vary);
            }
        }
    }

    [Fact]
    public async Task Data_files_from_the_static_host_can_be_read_by_other_sites_scripts()
    {
        using var client = RawClient();
        foreach (var url in new[] { "/api/v2/summary.json", "/api/v1/ledger", "/history.atom", "/history.rss", "/maintenance.ics" })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.Headers.NonValidated["Access-Control-Allow-Origin"].ToString() == "*", $"{url} has no Access-Control-Allow-Origin: *");
        }
    }

    private HttpClient RawClient() =>
        new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false }) { BaseAddress = site.BaseAddress };

    private IEnumerable<StatusPage.Server.StaticExport.ExportManifest.Entry> PublicEntries() =>
        site.Manifest.Values.Where(e => e.Url is not null && !e.Path.EndsWith("404.html", StringComparison.Ordinal));

    // JavaScript's registered type is text/javascript (RFC 9239); nginx's mime.types still says application/javascript,
    // which every browser runs the same.
    private static bool SameMediaType(string expected, string actual) =>
        string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)
        || (expected == "text/javascript" && actual == "application/javascript");
}
