using System.Net;
using System.Xml.Linq;
using Microsoft.Playwright;

namespace StatusPage.Tests.Browser;

// The exported site needs no server logic: nginx with deploy/nginx.conf serves it, a browser reads it as it reads the dynamic site.
public sealed class StaticSiteOnNginxTests(NginxExport site) : IClassFixture<NginxExport>
{
    [Fact]
    public async Task Home_page_from_nginx_links_to_an_incident_that_opens()
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
    public async Task French_pages_from_nginx_are_under_fr_and_their_links_stay_french()
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
    public async Task Feeds_from_nginx_are_atom_and_rss_with_the_sites_entries()
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
    public async Task Every_exported_url_from_nginx_has_the_exported_bytes_and_its_precompressed_sibling()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false })
        {
            BaseAddress = site.BaseAddress,
        };
        // (The not-found pages are what nginx answers for a missing file: checked below.)
        foreach (var entry in site.Manifest.Values.Where(e => e.Url is not null && !e.Path.EndsWith("404.html", StringComparison.Ordinal)))
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
        Assert.Equal("public, max-age=31536000, immutable", asset.Headers.NonValidated["Cache-Control"].ToString());
        using var home = await client.GetAsync("/");
        Assert.Equal("public, max-age=10, must-revalidate", home.Headers.NonValidated["Cache-Control"].ToString());
        Assert.StartsWith("text/html", home.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        using var ledger = await client.GetAsync("/api/v1/ledger");
        Assert.Equal("application/x-ndjson", ledger.Content.Headers.ContentType!.MediaType);
        using var missing = await client.GetAsync("/fr/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<html lang=\"fr\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
