using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

public sealed partial class PublicPagesTests(PublicPagesTests.Server server) : IClassFixture<PublicPagesTests.Server>
{
    private readonly HttpClient _client = server.CreateClient();

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new();

        public HttpClient CreateClient() => _factory.CreateClient(new() { AllowAutoRedirect = false });

        public IServiceProvider Services => _factory.Services;

        public void Dispose() => _factory.Dispose();
    }

    private async Task<(HttpResponseMessage Response, string Html)> Get(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        configure?.Invoke(request);
        var response = await _client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Home_page_shows_the_overall_status_the_components_and_the_open_incident()
    {
        var (response, html) = await Get("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Tidewater Metrics — Minor service outage</title>", html, StringComparison.Ordinal);
        Assert.Contains("Elevated query latency for long-range queries", html, StringComparison.Ordinal);
        Assert.Contains("Private network between data centers", html, StringComparison.Ordinal);
        Assert.Contains("Hardware refresh of the storage cluster in AMS2", html, StringComparison.Ordinal);
        Assert.Equal(6, UptimeBars().Count(html));
        Assert.Equal(6 * 90, DayLinks().Count(html));
        Assert.DoesNotContain("integrity-warning", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [Theory]
    [InlineData("/incidents/2026-08-19-fra1-region-reboot", "Postmortem")]
    [InlineData("/incidents/2026-08-19-fra1-region-reboot?order=newest", "Newest first")]
    [InlineData("/maintenance/2026-10-06-switch-firmware-fra1", "Firmware")]
    [InlineData("/history", "Incident history")]
    [InlineData("/history?page=2", "Incident history")]
    [InlineData("/history/2026/06", "June 2026")]
    [InlineData("/components/private-network", "Private network between data centers")]
    [InlineData("/uptime", "0.3 × minutes in partial outage")]
    public async Task Every_page_type_renders(string path, string expected)
    {
        var (response, html) = await Get(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/incidents/no-such-incident")]
    [InlineData("/components/no-such-component")]
    [InlineData("/maintenance/no-such-maintenance")]
    [InlineData("/history/2026/13")]
    [InlineData("/history?page=999")]
    [InlineData("/no/such/page")]
    public async Task Unknown_things_are_404_in_the_site_style(string path)
    {
        var (response, html) = await Get(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Back to the current status", html, StringComparison.Ordinal);
        Assert.Contains("Tidewater Metrics", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_incident_permalink_shows_every_update_the_correction_the_cause_and_the_postmortem()
    {
        var snapshot = server.Services.GetRequiredService<LedgerService>().Current;
        var incident = snapshot.Incidents["2026-08-19-fra1-region-reboot"];

        var (_, html) = await Get("/incidents/" + incident.Id);

        foreach (var post in incident.AllPosts)
        {
            Assert.Contains($"id=\"update-{post.Id}\"", html, StringComparison.Ordinal);
        }
        var updateIds = incident.Updates.Select(u => html.IndexOf($"id=\"update-{u.Id}\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(updateIds.Order(), updateIds);
        Assert.Contains("Superseded — see the correction", html, StringComparison.Ordinal);
        Assert.Matches(@"<dt>Cause</dt>\s*<dd>\s*Internal", html);
    }

    [Fact]
    public async Task An_upstream_incident_names_the_provider_and_its_ticket()
    {
        var snapshot = server.Services.GetRequiredService<LedgerService>().Current;
        var incident = snapshot.Incidents.Values.First(i => i.Cause.Kind == CauseKind.Upstream && i.Cause.ProviderId == "halden");

        var (_, html) = await Get("/incidents/" + incident.Id);

        Assert.Contains("Halden Hosting", html, StringComparison.Ordinal);
        Assert.Contains($"<code>{incident.Cause.Ticket}</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revalidating_with_the_etag_gets_304_and_a_new_ledger_entry_changes_the_etag()
    {
        var (first, _) = await Get("/");
        var etag = first.Headers.ETag!.ToString();

        var (revalidated, body) = await Get("/", r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(body);

        var ledger = server.Services.GetRequiredService<LedgerService>();
        var result = await ledger.AppendAsync(new PostUpdate("2026-11-23-query-latency-long-range", IncidentStatus.Monitoring,
            "The rebuild finished; latency is back to normal. We keep watching."), "test");
        Assert.True(result.Succeeded);

        var (after, html) = await Get("/", r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag!.ToString());
        Assert.Contains("The rebuild finished; latency is back to normal.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revalidating_with_last_modified_gets_304()
    {
        var (first, _) = await Get("/history");
        var lastModified = first.Content.Headers.LastModified;
        Assert.NotNull(lastModified);

        var (revalidated, _) = await Get("/history", r => r.Headers.IfModifiedSince = lastModified);
        var (older, _) = await Get("/history", r => r.Headers.IfModifiedSince = lastModified!.Value.AddDays(-1));

        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
    }

    [Fact]
    public async Task Pages_are_served_compressed_and_the_bytes_decompress_to_the_same_page()
    {
        var (plain, plainHtml) = await Get("/uptime");
        var (br, brHtml) = await Get("/uptime", r => r.Headers.TryAddWithoutValidation("Accept-Encoding", "br"));
        var (gz, _) = await Get("/uptime", r => r.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=1, br;q=0"));

        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(["br"], br.Content.Headers.ContentEncoding);
        Assert.Equal(["gzip"], gz.Content.Headers.ContentEncoding);
        Assert.True(br.Content.Headers.ContentLength < plain.Content.Headers.ContentLength / 2);
        Assert.NotEqual(plainHtml, brHtml);
        using var stream = new System.IO.Compression.BrotliStream(new MemoryStream(await br.Content.ReadAsByteArrayAsync()),
            System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        Assert.Equal(plainHtml, await reader.ReadToEndAsync());
    }

    [Theory]
    [InlineData("/history/2026/07")]
    [InlineData("/components/query-api")]
    public async Task A_head_request_gets_the_pages_headers_without_a_body_and_leaves_get_intact(string path)
    {
        var (head, headBody) = await Get(path, r => r.Method = HttpMethod.Head);
        var (get, html) = await Get(path);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(headBody);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(head.Headers.ETag, get.Headers.ETag);
        Assert.Contains("</html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_query_parameters_a_page_reads_change_what_is_served()
    {
        const string incident = "/incidents/2026-08-19-fra1-region-reboot";
        var (_, oldestFirst) = await Get(incident);
        var (_, newestFirst) = await Get(incident + "?order=newest");
        var (_, tracked) = await Get(incident + "?utm_source=mail&order=newest&cachebuster=123");
        var (_, busted) = await Get(incident + "?cachebuster=456");

        Assert.NotEqual(oldestFirst, newestFirst);
        Assert.Equal(newestFirst, tracked);
        Assert.Equal(oldestFirst, busted);
        Assert.Equal((await Get("/history?page=2")).Html, (await Get("/history?ref=x&page=2")).Html);
    }

    [Fact]
    public async Task Security_headers_forbid_inline_script_framing_and_sniffing()
    {
        var (response, _) = await Get("/");

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task French_readers_get_the_french_interface_and_the_switch_remembers_the_choice()
    {
        var (_, french) = await Get("/", r => r.Headers.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9"));
        Assert.Contains("<html lang=\"fr\">", french, StringComparison.Ordinal);
        Assert.Contains("Perturbation mineure", french, StringComparison.Ordinal);
        Assert.Contains("Composants", french, StringComparison.Ordinal);

        var (switched, _) = await Get("/lang/fr?back=/uptime");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/uptime", switched.Headers.Location?.ToString());
        var cookie = switched.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var (_, viaCookie) = await Get("/uptime", r => r.Headers.Add("Cookie", cookie));
        Assert.Contains("Calcul de la disponibilité", viaCookie, StringComparison.Ordinal);

        var (offsite, _) = await Get("/lang/en?back=//evil.example");
        Assert.Equal("/", offsite.Headers.Location?.ToString());
    }

    [Fact]
    public async Task The_stylesheet_is_fingerprinted_compressed_and_cached_for_a_year()
    {
        var (_, html) = await Get("/");
        var href = Regex.Match(html, "href=\"/(?<href>app\\.[a-z0-9]{10}\\.css)\"").Groups["href"].Value;
        Assert.NotEmpty(href);

        var (response, _) = await Get("/" + href, r => r.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
    }

    // Browsers ask for it on every visit: it once answered 404 each time (and logged it).
    [Fact]
    public async Task Favicon_answers_200_with_a_small_icon_a_browser_may_keep_and_every_page_links_it()
    {
        using var response = await _client.GetAsync(new Uri("/favicon.ico", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
        Assert.InRange(bytes.Length, 23, 4096);
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge: { } maxAge } && maxAge >= TimeSpan.FromDays(1),
            "Cache-Control: " + response.Headers.CacheControl);
        foreach (var path in new[] { "/", "/history", "/incidents/2026-08-19-fra1-region-reboot" })
        {
            Assert.Contains("<link rel=\"icon\" href=\"/favicon.ico\"", (await Get(path)).Html, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("<ol class=\"bar\"")]
    private static partial Regex UptimeBars();

    [GeneratedRegex("<a class=\"d s\\d\" href=\"/history/\\d{4}/\\d{2}(#incident-[a-z0-9-]+)?\">")]
    private static partial Regex DayLinks();

    [GeneratedRegex("<script(?![^>]*\\ssrc=)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
