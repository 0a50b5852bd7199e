using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;

namespace StatusPage.Tests.Http;

// export-site's work (StaticExport/SiteExporter) against the real server on a fixed clock: complete, byte-identical to the
// dynamic pages in each language, deterministic, incremental.
public sealed class StaticExportTests : IAsyncLifetime
{
    private readonly StatusPageFactory _factory = new(time: new FakeTimeProvider(StatusPageFactory.DemoNow),
        settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken });
    private readonly string _root = Directory.CreateTempSubdirectory("statuspage-export-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Every_exported_file_has_the_bytes_the_dynamic_server_sends_for_its_url_in_each_language()
    {
        var dir = Path.Combine(_root, "site");
        var result = await Export(dir);
        var manifest = Manifest(dir);
        var client = Client();

        var twins = manifest.Values.Where(e => e.Url is not null).ToList();
        Assert.Empty(result.Skipped);
        Assert.True(twins.Count > 100, $"only {twins.Count} files");
        foreach (var entry in twins)
        {
            var response = await client.GetAsync(Api.Url(entry.Url!));
            var expected = entry.Path.EndsWith("404.html", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK;
            Assert.True(response.StatusCode == expected, $"{entry.Url}: {(int)response.StatusCode}");
            var served = await response.Content.ReadAsByteArrayAsync();
            Assert.True(served.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, entry.Path))), $"{entry.Path} differs from {entry.Url}");
        }
        // Every kind of page, in both languages, and what no page links to.
        foreach (var url in new[] { "/", "/fr/", "/history", "/fr/history", "/history/2026/08", "/fr/history/2026/08", "/uptime",
            "/fr/uptime", "/verify", "/fr/verify", "/components/private-network", "/fr/components/private-network",
            "/maintenance/2026-10-06-switch-firmware-fra1", "/providers/halden", "/fr/providers/halden", "/sla", "/history.atom",
            "/history.rss", "/maintenance.ics", "/api/v2/summary.json", "/badge.svg", "/api/v1/ledger", "/api/v1/ledger/checkpoint",
            "/maintenance/2026-10-06-switch-firmware-fra1/proof.json", "/components/private-network/badge.svg" })
        {
            Assert.Contains(twins, e => e.Url == url);
        }
        Assert.Contains(twins, e => e.Url!.StartsWith("/incidents/", StringComparison.Ordinal) && e.Url.EndsWith("/proof.json", StringComparison.Ordinal));
        Assert.Equal("index.html", manifest.Values.Single(e => e.Url == "/").Path);
        Assert.Equal("fr/incidents/{0}/index.html", Regex(twins.First(e => e.Url!.StartsWith("/fr/incidents/", StringComparison.Ordinal) && e.Path.EndsWith("index.html", StringComparison.Ordinal)).Path));
        Assert.Equal("api/v1/ledger/index.ndjson", manifest.Values.Single(e => e.Url == "/api/v1/ledger").Path);
        // The ledger's NDJSON chunks (the demo's fits in one partial chunk and in the API's one page, so both hold every entry).
        var chunk = manifest.Values.Single(e => e.Path.StartsWith("ledger/ndjson/", StringComparison.Ordinal) && e.Encoding is null);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "api", "v1", "ledger", "index.ndjson")), File.ReadAllBytes(Path.Combine(dir, chunk.Path)));
        Assert.Equal("/" + chunk.Path, chunk.Url);
        Assert.Contains("lang=\"fr\"", File.ReadAllText(Path.Combine(dir, "fr", "history", "index.html")), StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\"", File.ReadAllText(Path.Combine(dir, "fr", "404.html")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Api.Url("/no-such-page"))).StatusCode);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "404.html")), await (await client.GetAsync(Api.Url("/no-such-page"))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Text_files_have_brotli_and_gzip_siblings_that_decompress_to_them_and_the_manifest_lists_every_file()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var manifest = Manifest(dir);

        var home = File.ReadAllBytes(Path.Combine(dir, "index.html"));
        using (var brotli = new System.IO.Compression.BrotliStream(File.OpenRead(Path.Combine(dir, "index.html.br")), System.IO.Compression.CompressionMode.Decompress))
        {
            Assert.Equal(home, ReadAll(brotli));
        }
        using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(dir, "index.html.gz")), System.IO.Compression.CompressionMode.Decompress))
        {
            Assert.Equal(home, ReadAll(gzip));
        }
        Assert.Equal("br", manifest["index.html.br"].Encoding);
        Assert.Equal("text/html; charset=utf-8", manifest["index.html.br"].ContentType);
        Assert.False(File.Exists(Path.Combine(dir, "badge.svg.br")) && !manifest.ContainsKey("badge.svg.br"));
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/')).Where(f => f != SiteExporter.ManifestName && !f.StartsWith(ExportManifest.PartsFolder + "/", StringComparison.Ordinal)).Order();
        Assert.Equal(files, manifest.Keys.Order());
        foreach (var entry in manifest.Values)
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, entry.Path));
            Assert.Equal(entry.Size, bytes.Length);
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
        Assert.Equal("immutable", manifest.Values.Single(e => e.Url is not null && e.Url.StartsWith("/app.", StringComparison.Ordinal) && e.Url.EndsWith(".css", StringComparison.Ordinal)).Cache);
        Assert.Equal("short", manifest["index.html"].Cache);
    }

    [Fact]
    public async Task The_same_ledger_exports_to_the_same_bytes_in_two_folders()
    {
        var first = Path.Combine(_root, "a");
        var second = Path.Combine(_root, "b");
        await Export(first);
        await Export(second);

        var a = Files(first);
        var b = Files(second);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (path, bytes) in a)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(b[path]), $"{path} differs between two exports of the same ledger");
        }
    }

    [Fact]
    public async Task A_second_export_rewrites_only_changed_files_and_deletes_files_no_longer_exported()
    {
        var dir = Path.Combine(_root, "site");
        var full = await Export(dir);
        Assert.Equal(full.Files, full.Written);

        var again = await Export(dir);
        Assert.Equal((0, full.Files, 0), (again.Written, again.Unchanged, again.Deleted));

        // A file a previous export listed that this one does not make (as a page of a removed feature would be).
        var stale = Path.Combine(dir, "gone", "index.html");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "<p>old</p>");
        var manifestPath = Path.Combine(dir, SiteExporter.ManifestName);
        var withStale = Manifest(dir).Values.Append(new ExportManifest.Entry("gone/index.html", "/gone", 10,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("<p>old</p>"u8)), "text/html; charset=utf-8", null, "short"));
        File.WriteAllBytes(manifestPath, ExportManifest.Write(withStale));
        var css = Manifest(dir).Values.Single(e => e.Url is not null && e.Url.StartsWith("/app.", StringComparison.Ordinal) && e.Url.EndsWith(".css", StringComparison.Ordinal));
        var cssWritten = File.GetLastWriteTimeUtc(Path.Combine(dir, css.Path));
        var homeBefore = File.ReadAllBytes(Path.Combine(dir, "index.html"));

        var client = Client(WriteApiServer.AdminToken);
        var (id, _) = await Api.CreateIncident(client, "Dashboard slow to load");
        var after = await Export(dir);

        // The stale file, and the previous size's partial ledger files (NDJSON chunk with .br and .gz, hash tile, bundle).
        Assert.Equal(1 + 5, after.Deleted);
        Assert.False(Directory.Exists(Path.Combine(dir, "gone")));
        Assert.True(after.Written > 0 && after.Unchanged > 0, $"{after.Written} written, {after.Unchanged} unchanged");
        Assert.Equal(after.Files, after.Written + after.Unchanged);
        Assert.True(File.Exists(Path.Combine(dir, "incidents", id, "index.html")));
        Assert.True(File.Exists(Path.Combine(dir, "fr", "incidents", id, "index.html")));
        Assert.False(homeBefore.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "index.html"))));
        // Files the post does not touch keep their bytes and are not rewritten.
        Assert.Equal(cssWritten, File.GetLastWriteTimeUtc(Path.Combine(dir, css.Path)));
        Assert.Equal(Manifest(dir)[css.Path].Sha256, css.Sha256);
        // Every other file is what a fresh export of the same ledger writes.
        var fresh = Path.Combine(_root, "fresh");
        await Export(fresh);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fresh, SiteExporter.ManifestName)), File.ReadAllBytes(manifestPath));
    }

    // An increment carries every manifest part none of whose pages was fetched (PartedFileDictionary): a page no longer answered
    // must still be found gone when nothing else is written into its part.
    [Fact]
    public async Task A_page_no_longer_answered_is_deleted_by_an_increment_that_writes_nothing_beside_it()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var manifestPath = Path.Combine(dir, SiteExporter.ManifestName);
        var previous = ExportManifest.Load(manifestPath)!;
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "gone")).FullName, "index.html"), "<p>old</p>");
        var stale = new ExportManifest.Entry("gone/index.html", "/gone", 10,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("<p>old</p>"u8)), "text/html; charset=utf-8", null, "short", Version: "1");
        ExportManifest.Store(manifestPath, previous.Files.Values.Append(stale).ToDictionary(e => e.Path), previous.Renderer, previous);

        var again = await Export(dir);

        Assert.Equal((0, 1), (again.Written, again.Deleted));
        Assert.False(Directory.Exists(Path.Combine(dir, "gone")));
        Assert.DoesNotContain("gone/index.html", Manifest(dir).Keys);
        Assert.Equal(previous.Files.Count, again.Files);
    }

    // A page that fails to render is not a page gone: skipped, it would be deleted from the folder and from the bucket the publish
    // mirrors. The export stops before deleting anything or writing its manifest (the automatic publish tries again later).
    [Fact]
    public async Task A_page_answering_a_server_error_stops_the_export_before_it_deletes_anything_or_writes_its_manifest()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var uptime = Path.Combine(dir, "uptime", "index.html");
        var bytes = File.ReadAllBytes(uptime);
        File.Delete(Path.Combine(dir, SiteExporter.ManifestName)); // every page is fetched again

        using var failing = _factory.CreateDefaultClient(new ServerErrorFor("/uptime"));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => new SiteExporter(failing, dir, Versions()).ExportAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("/uptime answered 500", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(uptime));
        Assert.False(File.Exists(Path.Combine(dir, SiteExporter.ManifestName)));
    }

    // The real server's answers, but one page's replaced by a server error (a render that throws).
    private sealed class ServerErrorFor(string path) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath == path
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request })
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task A_page_or_tile_removed_from_the_folder_by_hand_is_written_again_by_the_next_export_that_reads_the_manifest_from_its_file()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var resolved = Manifest(dir).Values.First(e => e.Url is { } url && url.StartsWith("/incidents/", StringComparison.Ordinal)
            && e.Path.EndsWith("/index.html", StringComparison.Ordinal) && !e.Path.StartsWith("fr/", StringComparison.Ordinal)
            && e.Version is { } version && !version.Contains('@', StringComparison.Ordinal));
        var page = Path.Combine(dir, resolved.Path);
        var bytes = File.ReadAllBytes(page);
        File.Delete(page);
        // And one of the log's tiles (kept, as the ledger has not grown since).
        var tile = Path.Combine(dir, Manifest(dir).Keys.First(p => p.StartsWith("ledger/tile/0/", StringComparison.Ordinal)));
        var tileBytes = File.ReadAllBytes(tile);
        File.Delete(tile);

        // This process wrote the manifest and it is unchanged: its files are taken as written (no stat of every kept page or tile).
        await Export(dir);
        Assert.False(File.Exists(page));
        Assert.False(File.Exists(tile));

        // Read from its file (a restart, the export-site verb, here a manifest touched by another writer): every kept page is checked.
        var manifest = Path.Combine(dir, SiteExporter.ManifestName);
        File.SetLastWriteTimeUtc(manifest, File.GetLastWriteTimeUtc(manifest).AddMinutes(1));
        var again = await Export(dir);
        Assert.Equal(bytes, File.ReadAllBytes(page));
        Assert.Equal(tileBytes, File.ReadAllBytes(tile));
        Assert.Equal(2, again.Written);
        await AssertSameAsFullExport(dir);
    }

    [Fact]
    public async Task The_maintenance_calendar_is_rendered_again_when_a_window_or_a_component_it_names_changes_and_not_for_an_incident_update()
    {
        var writer = Client(WriteApiServer.AdminToken);
        var (id, _) = await Api.CreateIncident(writer, "Dashboard slow to load");
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var before = Manifest(dir)["maintenance.ics"];

        var posted = await writer.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "A slow query." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await Export(dir);
        Assert.Equal(before, Manifest(dir)["maintenance.ics"]);

        await (await writer.Post("/api/v1/maintenance", new
        {
            Title = "Switch replacement", Components = (string[])["ingestion-api"],
            ScheduledFor = new DateTimeOffset(2026, 12, 10, 2, 0, 0, TimeSpan.Zero), ScheduledUntil = new DateTimeOffset(2026, 12, 10, 4, 0, 0, TimeSpan.Zero),
            Body = "We will replace a switch.",
        })).Created();
        await Export(dir);
        var scheduled = Manifest(dir)["maintenance.ics"];
        Assert.NotEqual(before.Version, scheduled.Version);
        Assert.Contains("Switch replacement", File.ReadAllText(Path.Combine(dir, "maintenance.ics")), StringComparison.Ordinal);

        using var rename = new HttpRequestMessage(HttpMethod.Patch, Api.Url("/api/v1/components/ingestion-api"))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { Name = "Gateway" }, options: WriteApiServer.Json),
        };
        Assert.Equal(HttpStatusCode.OK, (await writer.SendAsync(rename)).StatusCode);
        await Export(dir);
        Assert.NotEqual(scheduled.Version, Manifest(dir)["maintenance.ics"].Version);
        Assert.Contains("Components: Gateway", File.ReadAllText(Path.Combine(dir, "maintenance.ics")), StringComparison.Ordinal);
        await AssertSameAsFullExport(dir);
    }

    [Fact]
    public async Task After_one_update_to_one_incident_the_next_export_renders_and_writes_only_what_the_update_changed()
    {
        var writer = Client(WriteApiServer.AdminToken);
        var (id, _) = await Api.CreateIncident(writer, "Dashboard slow to load");
        var dir = Path.Combine(_root, "site");
        var full = await Export(dir);
        var before = Manifest(dir);

        var posted = await writer.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "A slow query; a fix is being deployed." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var increment = await Export(dir);
        var after = Manifest(dir);

        // Pages, feeds and JSON whose bytes the update changed (each with its .br and .gz), and nothing else.
        var changed = after.Values.Where(e => e.Encoding is null && (!before.TryGetValue(e.Path, out var old) || old.Sha256 != e.Sha256))
            .Select(e => Regex(e.Path).Replace(id, "{0}", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            .. Both("index.html"), .. Both("incidents/{0}/index.html"), "incidents/{0}/history.atom", "incidents/{0}/history.rss",
            "incidents/{0}/proof.json", .. Both("history/index.html"), .. Both("history/2026/11/index.html"), "history.atom", "history.rss",
            // The incident names Ingestion API: its page lists the incident, its feeds carry the update.
            .. Both("components/ingestion-api/index.html"), "components/ingestion-api/history.atom", "components/ingestion-api/history.rss",
            "api/v2/summary.json", "api/v2/incidents.json", "api/v2/incidents/unresolved.json",
            "api/v1/ledger/index.ndjson", "api/v1/ledger/head/index.json", "api/v1/ledger/checkpoint/index.txt",
            // The log's tlog-tiles files at the new size: the checkpoint, and the partial NDJSON chunk, hash tile and bundle.
            "ledger/checkpoint", $"ledger/ndjson/000.p/{Size(dir)}.ndjson", $"ledger/tile/0/000.p/{Size(dir)}", $"ledger/tile/entries/000.p/{Size(dir)}",
            // This month's SLA statement (to date: the incident names Ingestion API).
            .. Both("sla/2026/11/index.html"),
            // Pages that show the whole current site carry the head: verify, uptime, the SLA and provider indexes, not-found.
            // (Past SLA months, the other incidents, components, months and the providers keep their bytes.)
            .. Both("verify/index.html"), .. Both("uptime/index.html"), .. Both("sla/index.html"), .. Both("providers/index.html"),
            .. Both("404.html"),
        ];
        Assert.Equal(string.Join("\n", expected.Order(StringComparer.Ordinal)), string.Join("\n", changed));
        Assert.True(increment.Written <= 3 * changed.Count, $"{increment.Written} files written for {changed.Count} changed");
        Assert.Equal(increment.Files, increment.Written + increment.Unchanged);
        Assert.True(increment.Kept > full.Files / 3 / 2, $"only {increment.Kept} of {full.Files / 3} pages kept without rendering");
        Assert.True(increment.CandidatesOnly && increment.Decided < increment.Kept, $"{increment.Decided} pages decided, {increment.Kept} kept");
        Assert.True(increment.Rendered < full.Rendered / 2, $"{increment.Rendered} rendered, {full.Rendered} in the full export");
        // Only the previous size's partial ledger files: the NDJSON chunk (with its .br and .gz), the hash tile and the bundle.
        Assert.Equal(5, increment.Deleted);

        // Complete and deterministic: a full export of the same ledger into an empty folder makes the same files, byte for byte.
        await AssertSameAsFullExport(dir);

        static string[] Both(string path) => [path, "fr/" + path];
    }

    [Fact]
    public async Task Pages_that_move_with_the_clock_are_rendered_again_once_their_clock_window_moved_and_not_before()
    {
        var dir = Path.Combine(_root, "site");
        var full = await Export(dir);
        var again = await Export(dir);
        // Same ledger, same window: nothing is rendered but the log's checkpoint (fetched to compare), nothing written.
        Assert.Equal(1, again.Rendered);
        Assert.Equal(0, again.Written);
        Assert.True(again.Kept > full.Files / 3 / 2, $"{again.Kept} of about {full.Files / 3} pages kept");
        var home = Manifest(dir)["index.html"];
        Assert.Contains('@', home.Version!);

        // The window's end (the site's midnight, or the next minute while an incident is open): the home page moves with it.
        var clock = (FakeTimeProvider)_factory.Services.GetRequiredService<TimeProvider>();
        var window = StatusPage.Server.HttpCache.ClockWindow.Of(_factory.Services.GetRequiredService<LedgerService>().Current,
            _factory.Services.GetRequiredService<SiteSettingsHolder>().Current.TimeZone, clock.GetUtcNow());
        clock.SetUtcNow(window.End);
        var moved = await Export(dir);

        Assert.NotEqual(home.Version, Manifest(dir)["index.html"].Version);
        Assert.True(moved.Rendered > 10, $"{moved.Rendered} rendered after the window moved");
        // Pages that do not move with the clock (a resolved incident, a proof) kept their bytes and were not rendered.
        Assert.True(moved.Kept > moved.Rendered, $"{moved.Kept} kept, {moved.Rendered} rendered");
        var served = await Client().GetByteArrayAsync(Api.Url("/"));
        Assert.Equal(served, File.ReadAllBytes(Path.Combine(dir, "index.html")));
    }

    [Fact]
    public async Task Renaming_a_provider_observed_on_an_incident_but_not_its_cause_changes_that_incident_page_and_its_version()
    {
        var ledger = _factory.Services.GetRequiredService<LedgerService>();
        var snapshot = ledger.Current;
        var provider = snapshot.Providers.Values.OrderBy(p => p.Id, StringComparer.Ordinal).First();
        var incident = snapshot.Incidents.Values.OrderBy(i => i.Id, StringComparer.Ordinal).First(i => i.Status == StatusPage.Client.Contracts.IncidentStatus.Resolved
            && i.Causes.All(c => c.Cause.ProviderId != provider.Id) && !snapshot.ProviderObservations.ContainsKey(i.Id));
        var observed = await ledger.AppendAsync(new RecordProviderStatus(incident.Id, provider.Id, "minor", "Partial System Outage", [],
            incident.StartedAt, "https://status.provider.example/api/v2/summary.json"), "test");
        Assert.Null(observed.Violation);
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var page = Path.Combine(dir, "incidents", incident.Id, "index.html");
        var before = (Manifest(dir)[$"incidents/{incident.Id}/index.html"], File.ReadAllText(page));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(provider.Name), before.Item2, StringComparison.Ordinal);

        var renamed = await ledger.AppendAsync(new DeclareProvider(provider.Id, "Renamed Hosting Co", provider.Url), "test");
        Assert.Null(renamed.Violation);
        await Export(dir);

        var after = (Manifest(dir)[$"incidents/{incident.Id}/index.html"], File.ReadAllText(page));
        Assert.NotEqual(before.Item1.Version, after.Item1.Version);
        Assert.NotEqual(before.Item1.Sha256, after.Item1.Sha256);
        Assert.Contains("Renamed Hosting Co", after.Item2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task French_pages_are_served_under_fr_with_links_under_fr_and_unprefixed_pages_still_follow_the_browser()
    {
        var client = Client();
        var prefixed = await client.SendAsync(Get("/fr/history", "en"));
        var prefixedHtml = await prefixed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, prefixed.StatusCode);
        Assert.Contains("<html lang=\"fr\"", prefixedHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/fr/uptime\"", prefixedHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/history.atom\"", prefixedHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/history?lang=en\"", prefixedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/uptime\"", prefixedHtml, StringComparison.Ordinal);

        // The browser's language on an unprefixed path: the same French page, byte for byte.
        var negotiated = await client.SendAsync(Get("/history", "fr-FR"));
        Assert.Equal(prefixedHtml, await negotiated.Content.ReadAsStringAsync());
        var english = await (await client.SendAsync(Get("/history", "en"))).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\"", english, StringComparison.Ordinal);
        Assert.Contains("href=\"/uptime\"", english, StringComparison.Ordinal);
        Assert.Contains("href=\"/fr/history\"", english, StringComparison.Ordinal);

        // The switch back to English remembers the choice and drops its parameter.
        var switched = await client.SendAsync(Get("/history?lang=en&page=2", "fr"));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/history?page=2", switched.Headers.Location?.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.Contains("c%3Den", StringComparison.Ordinal));
        var offsite = await client.SendAsync(Get("//evil.example?lang=en", "en"));
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_correction_to_a_resolved_incident_of_an_earlier_month_renders_that_month_again_and_the_increment_equals_a_full_export()
    {
        var snapshot = _factory.Services.GetRequiredService<LedgerService>().Current;
        var zone = _factory.Services.GetRequiredService<SiteSettingsHolder>().Current.TimeZone;
        var now = _factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        // Resolved, within one month, two months or more before the clock's (not a month that moves with the clock).
        var incident = snapshot.Incidents.Values.Where(i => i.ResolvedAt is { } r && Local(i.StartedAt).Month == Local(r).Month
                && Local(r) < new DateTimeOffset(Local(now).Year, Local(now).Month, 1, 0, 0, 0, Local(now).Offset).AddMonths(-1))
            .OrderBy(i => i.StartedAt).Last();
        Assert.NotEqual(snapshot.Incidents.Values.MinBy(i => i.StartedAt), incident); // the earliest decides every month's pager
        var month = $"history/{Local(incident.StartedAt):yyyy}/{Local(incident.StartedAt):MM}/index.html";
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var before = Manifest(dir);

        var corrected = await Client(WriteApiServer.AdminToken).Post($"/api/v1/incidents/{incident.Id}/updates/{incident.AllPosts[0].Id}/corrections",
            new { Body = "Corrected: the dashboard, not the API.", Reason = "Wrong component named." });
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        await Export(dir);
        var after = Manifest(dir);

        // The month's page does not move with the clock: it is rendered again only because its version moved.
        Assert.DoesNotContain("@", before[month].Version, StringComparison.Ordinal);
        Assert.NotEqual(before[month].Version, after[month].Version);
        Assert.NotEqual(before[month].Sha256, after[month].Sha256);
        Assert.NotEqual(before["fr/" + month].Sha256, after["fr/" + month].Sha256);
        await AssertSameAsFullExport(dir);

        DateTimeOffset Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, zone);
    }

    [Fact]
    public async Task A_past_years_provider_page_is_rendered_again_only_when_that_years_account_changes_and_the_increment_equals_a_full_export()
    {
        var writer = Client(WriteApiServer.AdminToken);
        // The earliest incident decides every month page's pager: the one re-attributed below is the later one.
        await ProviderYearPageTests.HaldenOutage(writer, new DateTimeOffset(2025, 5, 12, 1, 56, 0, TimeSpan.Zero), 30, "HH-1999005");
        var moved = await ProviderYearPageTests.HaldenOutage(writer, new DateTimeOffset(2025, 6, 12, 1, 56, 0, TimeSpan.Zero), 20, "HH-1999006");
        var (open, _) = await Api.CreateIncident(writer, "Dashboard slow to load"); // the clock's window is now the minute
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        const string Year = "providers/halden/2025/index.html";
        var first = Manifest(dir);
        Assert.DoesNotContain("@", first[Year].Version, StringComparison.Ordinal); // a past year without open incidents: no clock
        Assert.Contains("@", first["providers/halden/2026/index.html"].Version, StringComparison.Ordinal);

        // An update elsewhere (no status change) and a minute later: the 2025 page keeps its version and bytes.
        await (await writer.Post($"/api/v1/incidents/{open}/updates", new { Status = "identified", Body = "A slow query." })).Created();
        var clock = (FakeTimeProvider)_factory.Services.GetRequiredService<TimeProvider>();
        clock.Advance(TimeSpan.FromMinutes(1));
        await Export(dir);
        var second = Manifest(dir);
        Assert.Equal(first[Year].Version, second[Year].Version);
        Assert.Equal(first["fr/" + Year].Sha256, second["fr/" + Year].Sha256);
        Assert.NotEqual(first["providers/halden/2026/index.html"].Version, second["providers/halden/2026/index.html"].Version);

        // Re-attributing a 2025 incident changes both providers' 2025 accounts: rendered again, and the same as a full export.
        await (await writer.Post($"/api/v1/incidents/{moved}/cause", new { Kind = "upstream", Provider = "brightwave", Ticket = "BW-0003" })).Created();
        var increment = await Export(dir);
        var third = Manifest(dir);
        // Decided from what the change touched (SiteExporter's candidates), not every page of the site.
        Assert.True(increment.CandidatesOnly, $"{increment.Decided} pages decided, {increment.Kept} kept");
        Assert.NotEqual(second[Year].Version, third[Year].Version);
        Assert.NotEqual(second[Year].Sha256, third[Year].Sha256);
        Assert.Contains("providers/brightwave/2025/index.html", third.Keys);
        await AssertSameAsFullExport(dir);
    }

    [Fact]
    public async Task Downtime_recorded_for_another_cause_changes_a_providers_share_so_its_page_is_rendered_again()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var before = Manifest(dir);

        // A past outage, caused in-house and recorded late: all downtime grows, so Halden Hosting's share of it shrinks.
        var writer = Client(WriteApiServer.AdminToken);
        var start = new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero);
        var created = await (await writer.Post("/api/v1/incidents", new
        {
            Title = "Private network down after a switch upgrade", Impact = "major", Status = "investigating", Body = "Rolling back.",
            Components = new Dictionary<string, string> { ["private-network"] = "major_outage" },
            Cause = new { Kind = "internal" }, StartedAt = start, StatedAt = start,
        })).Created();
        await (await writer.Post($"/api/v1/incidents/{created.GetProperty("id").GetString()}/resolve",
            new { Body = "Rolled back.", StatedAt = start.AddHours(2) })).Created();
        await Export(dir);
        var after = Manifest(dir);

        Assert.NotEqual(before["providers/halden/index.html"].Sha256, after["providers/halden/index.html"].Sha256);
        Assert.NotEqual(before["fr/providers/halden/2026/index.html"].Sha256, after["fr/providers/halden/2026/index.html"].Sha256);
        await AssertSameAsFullExport(dir);
    }

    // Every increment here runs in the check mode (tests/Shared: STATUSPAGE_EXPORT_CHECK_CANDIDATES): a page it did not decide
    // whose version moved throws. So each kind of write below proves its rule in ContentVersions.ChangedSince.
    [Fact]
    public async Task Increments_after_each_kind_of_write_decide_only_what_it_touched_and_end_as_a_full_export()
    {
        var writer = Client(WriteApiServer.AdminToken);
        var clock = (FakeTimeProvider)_factory.Services.GetRequiredService<TimeProvider>();
        var dir = Path.Combine(_root, "site");
        await ProviderYearPageTests.HaldenOutage(writer, new DateTimeOffset(2025, 3, 10, 1, 56, 0, TimeSpan.Zero), 30, "HH-1999007");
        await Export(dir);
        var (id, updateId) = await Api.CreateIncident(writer, "Alert evaluation delayed");
        await Narrow("a new incident");
        // Open since 2025 (recorded late): every provider's 2025 page now moves with the clock, not only the ones it names.
        var since2025 = (await (await writer.Post("/api/v1/incidents", new
        {
            Title = "Slow exports since last year", Impact = "minor", Status = "investigating", Body = "Found while auditing.",
            Components = new Dictionary<string, string>(), StartedAt = new DateTimeOffset(2025, 12, 20, 9, 0, 0, TimeSpan.Zero),
        })).Created()).GetProperty("id").GetString();
        await Narrow("an incident open since the previous year");
        await Write("an update that changes a component", writer.Post($"/api/v1/incidents/{id}/updates",
            new { Status = "identified", Body = "Found it.", Components = new Dictionary<string, string> { ["query-api"] = "major_outage" } }));
        await Write("a component's status set directly", writer.Post("/api/v1/components/dashboard/status", new { Status = "degraded_performance" }));
        var maintenance = (await (await writer.Post("/api/v1/maintenance", new
        {
            Title = "Storage firmware", Components = new List<string> { "storage-cluster" }, Body = "Rolling upgrade.",
            ScheduledFor = StatusPageFactory.DemoNow.AddDays(2), ScheduledUntil = StatusPageFactory.DemoNow.AddDays(2).AddHours(2),
        })).Created()).GetProperty("id").GetString();
        await Narrow("a maintenance scheduled");
        await Write("a maintenance update", writer.Post($"/api/v1/maintenance/{maintenance}/updates", new { Status = "scheduled", Body = "Moved to a quieter hour." }));
        await Write("a cause attributed", writer.Post($"/api/v1/incidents/{id}/cause", new { Kind = "upstream", Provider = "halden", Ticket = "HH-3000001" }));
        await Write("a redaction", writer.Post($"/api/v1/incidents/{id}/updates/{updateId}/redactions", new { Reason = "A customer's name." }));
        await Write("the incident resolved", writer.Post($"/api/v1/incidents/{id}/resolve", new { Body = "Recovered." }));
        await Write("the one open since 2025 resolved", writer.Post($"/api/v1/incidents/{since2025}/resolve", new { Body = "Fixed." }));
        // Nothing public: the months the resolution touched (their seq was the head) stop being volatile after this one.
        await Write("an operator created", writer.Post("/api/v1/operators", new { Username = "night.shift", Role = "operator" }));
        // June and September no longer move with the clock: only the corrections' rules make their months candidates.
        var snapshot = _factory.Services.GetRequiredService<LedgerService>().Current;
        var old = snapshot.Incidents["2026-06-14-private-network-fra1"];
        await Write("a correction to an old incident", writer.Post($"/api/v1/incidents/{old.Id}/updates/{old.AllPosts[0].Id}/corrections",
            new { Body = "Corrected wording.", Reason = "Typo." }));
        var migration = snapshot.Maintenances["2026-09-15-dashboard-database-migration"];
        await Write("a correction to a past maintenance", writer.Post($"/api/v1/maintenance/{migration.Id}/updates/{migration.Posts[0].Id}/corrections",
            new { Body = "Corrected: the migration took 40 minutes.", Reason = "Wrong duration." }));
        // A component renamed reaches every page that names it: every page is decided again (still checked, and compared below).
        using var rename = new HttpRequestMessage(HttpMethod.Patch, Api.Url("/api/v1/components/dashboard"))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { Name = "Web console" }),
        };
        Assert.True((await writer.SendAsync(rename)).IsSuccessStatusCode);
        clock.Advance(TimeSpan.FromMinutes(1));
        var renamed = await Export(dir);
        Assert.False(renamed.CandidatesOnly);

        await AssertSameAsFullExport(dir);

        async Task Write(string what, Task<HttpResponseMessage> write)
        {
            using var response = await write;
            Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Narrow(what);
        }

        async Task Narrow(string what)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var increment = await Export(dir);
            Assert.True(increment.CandidatesOnly && increment.Decided < increment.Kept, $"{what}: {increment.Decided} decided, {increment.Kept} kept");
        }
    }

    private static HttpRequestMessage Get(string path, string language)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api.Url(path));
        request.Headers.AcceptLanguage.ParseAdd(language);
        return request;
    }

    private HttpClient Client(string? token = null)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    // As export-site does it: with the pages' versions of the ledger as it stands, at the server's clock.
    private Task<SiteExporter.Result> Export(string dir) => new SiteExporter(Client(), dir, Versions()).ExportAsync();

    private PageVersions Versions() => PageVersions.For(_factory.Services.GetRequiredService<LedgerService>().Current,
        _factory.Services.GetRequiredService<SiteSettingsHolder>().Current, _factory.Services.GetRequiredService<TimeProvider>().GetUtcNow());

    private static Dictionary<string, ExportManifest.Entry> Manifest(string dir) =>
        ExportManifest.Load(Path.Combine(dir, SiteExporter.ManifestName))!.Files.ToDictionary();

    // The size of the exported checkpoint.
    private static string Size(string dir) => File.ReadAllLines(Path.Combine(dir, "ledger", "checkpoint"))[1];

    // What an incremental export left in `dir` is what a full export of the same ledger into an empty folder makes, byte for byte.
    private async Task AssertSameAsFullExport(string dir)
    {
        var fresh = Path.Combine(_root, "fresh");
        await Export(fresh);
        var (a, b) = (Files(dir), Files(fresh));
        Assert.Equal(b.Keys.Order(), a.Keys.Order());
        foreach (var (path, bytes) in b)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(a[path]), $"{path}: the incremental export differs from a full one");
        }
    }

    private static Dictionary<string, byte[]> Files(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Regex(string path) => System.Text.RegularExpressions.Regex.Replace(path, "incidents/[^/]+/", "incidents/{0}/");
}
