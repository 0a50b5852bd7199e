using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Server.Publishing;
using StatusPage.Server.StaticExport;

namespace StatusPage.Tests.Http;

// `publish` (Publishing/) against a real S3-protocol server on loopback (npm s3rver, objects on disk): what is stored and with
// which headers, only changed objects on a re-publish, a publish SIGKILLed midway completed by the next, the automatic publish.
public sealed class PublishTests : IAsyncLifetime
{
    private readonly S3rverProcess _s3 = new();
    private readonly string _root = Directory.CreateTempSubdirectory("statuspage-publish-").FullName;
    private StatusPageFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await _s3.Started();
        _factory = new StatusPageFactory(time: new FakeTimeProvider(StatusPageFactory.DemoNow),
            settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _s3.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_publish_stores_each_path_once_with_its_type_coding_cache_class_and_the_export_s_bytes()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var files = Manifest(dir);

        var result = await Publish(dir);

        var paths = files.Values.Where(f => f.Encoding is null).ToList();
        Assert.Equal((paths.Count, paths.Count, 0, 0), (result.Objects, result.Uploaded, result.Unchanged, result.Deleted));
        using var reader = _s3.Reader();
        var keys = await Keys(reader);
        Assert.Equal(paths.Select(p => p.Path).Append(PublishManifest.Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));

        // A page: its gzip sibling's bytes, served as gzip, short-lived; it decompresses to the exported page.
        using (var home = await reader.GetObjectAsync(S3rverProcess.Bucket, "index.html"))
        {
            Assert.Equal("text/html; charset=utf-8", home.Headers.ContentType);
            Assert.Equal("gzip", home.Headers.ContentEncoding);
            Assert.Equal(Directives("public, max-age=10, must-revalidate"), Directives(home.Headers.CacheControl));
            var stored = await Body(home);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "index.html.gz")), stored);
            using var gzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "index.html")), Read(gzip));
        }
        // A fingerprinted asset: long-lived and immutable.
        var css = paths.Single(p => p.Url is not null && p.Url.StartsWith("/app.", StringComparison.Ordinal) && p.Url.EndsWith(".css", StringComparison.Ordinal));
        using (var asset = await reader.GetObjectAsync(S3rverProcess.Bucket, css.Path))
        {
            Assert.Equal(files[css.Path].ContentType, asset.Headers.ContentType);
            Assert.Equal(Directives("public, max-age=31536000, immutable"), Directives(asset.Headers.CacheControl));
            Assert.Equal("gzip", asset.Headers.ContentEncoding);
        }
        // Feeds, v2 JSON and the checkpoint are short-lived too; every object's body is the export's file (or its gzip sibling).
        foreach (var path in new[] { "history.atom", "api/v2/summary.json", "api/v1/ledger/checkpoint/index.txt" })
        {
            using var response = await reader.GetObjectAsync(S3rverProcess.Bucket, path);
            Assert.Equal(Directives("public, max-age=10, must-revalidate"), Directives(response.Headers.CacheControl));
            Assert.Equal(files[path].ContentType, response.Headers.ContentType);
        }
        foreach (var path in paths)
        {
            using var response = await reader.GetObjectAsync(S3rverProcess.Bucket, path.Path);
            var expected = SiteExporter.IsText(path.ContentType) ? files[path.Path + ".gz"].Sha256 : path.Sha256;
            Assert.True(Sha(await Body(response)) == expected, $"{path.Path}: the stored body is not the export's");
            Assert.Equal(expected, response.Metadata["sha256"]);
        }
        Assert.Equal(paths.Count, _s3.Puts.Count(k => k != PublishManifest.Key));
    }

    [Fact]
    public async Task A_publish_after_a_post_uploads_only_the_changed_objects_and_deletes_the_ones_no_longer_exported()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        var first = await Publish(dir);
        var before = Planned(dir);

        var again = await Publish(dir);
        Assert.Equal((0, first.Objects, 0), (again.Uploaded, again.Unchanged, again.Deleted));
        Assert.Equal(first.Uploaded + 2, _s3.Puts.Count); // two manifests, nothing else

        using var reader = _s3.Reader();
        await reader.PutObjectAsync(new PutObjectRequest { BucketName = S3rverProcess.Bucket, Key = "gone/index.html", ContentBody = "<p>old</p>" });
        var client = Client(WriteApiServer.AdminToken);
        var (id, _) = await Api.CreateIncident(client, "Dashboard slow to load");
        await Export(dir);
        var after = Planned(dir);
        var putsBefore = _s3.Puts.Count;

        var republished = await Publish(dir);

        var changed = after.Where(p => !before.TryGetValue(p.Key, out var old) || old.Sha256 != p.Value.Sha256).Select(p => p.Key).ToHashSet();
        Assert.True(changed.Count > 0 && changed.Count < after.Count, $"{changed.Count} of {after.Count} changed");
        Assert.Equal(changed.Count, republished.Uploaded);
        Assert.Equal(after.Count - changed.Count, republished.Unchanged);
        // The stale object, and the previous size's partial ledger files (NDJSON chunk, hash tile, entry bundle).
        Assert.Equal(1 + 3, republished.Deleted);
        // s3rver's own log: exactly the changed objects were PUT, then the manifest last.
        var puts = _s3.Puts.Skip(putsBefore).ToList();
        Assert.Equal(changed.Order(StringComparer.Ordinal), puts.SkipLast(1).Order(StringComparer.Ordinal));
        Assert.Equal(PublishManifest.Key, puts[^1]);
        // The new incident's page went up before the pages that link to it; the home page after every other page.
        Assert.True(puts.IndexOf($"incidents/{id}/index.html") < puts.IndexOf("index.html"));
        Assert.True(puts.IndexOf("index.html") > puts.FindLastIndex(k => k.EndsWith("index.html", StringComparison.Ordinal) && k != "index.html" && k != "fr/index.html"));
        var keys = await Keys(reader);
        Assert.DoesNotContain("gone/index.html", keys);
        Assert.Contains($"incidents/{id}/index.html", keys);
    }

    [Fact]
    public async Task A_publish_killed_midway_leaves_the_previous_manifest_and_the_next_publish_completes_the_new_head()
    {
        var dir = Path.Combine(_root, "site");
        await Export(dir);
        Assert.Equal(0, await RunPublish(dir));
        var firstManifest = await ManifestBytes();
        var client = Client(WriteApiServer.AdminToken);
        await Api.CreateIncident(client, "Dashboard slow to load");
        await Export(dir);
        // Stored without compression this time, so every text object's body changes: hundreds of uploads, and the kill lands
        // midway even when s3rver's log is read late (a loaded machine once let an increment of a few dozen finish first).
        const string identity = "--StatusPage:Publish:Encoding=identity";
        var wanted = Planned(dir, "identity");
        var putsBefore = _s3.Puts.Count;

        // One upload at a time through a relay that holds the sixth PUT: SIGKILLed while it waits there, however loaded the machine.
        using (var gate = new PutGate(_s3.Endpoint, allowedPuts: 5))
        using (var killed = StartPublish(dir, "--StatusPage:Publish:ParallelUploads=1", identity, $"--StatusPage:Publish:Endpoint={gate.Endpoint}"))
        {
            var ended = killed.WaitForExitAsync();
            if (await Task.WhenAny(gate.Holding, ended, Task.Delay(TimeSpan.FromSeconds(120))) != gate.Holding)
            {
                Assert.Fail($"the publish did not reach its sixth upload (exited: {killed.HasExited}, {_s3.Puts.Count - putsBefore} PUTs seen): "
                    + (killed.HasExited ? await killed.StandardOutput.ReadToEndAsync() + await killed.StandardError.ReadToEndAsync() : ""));
            }
            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync();
        }
        // The five let through were answered before the sixth was sent; s3rver's log of them may come a moment later.
        await Eventually.Until("s3rver's log of the five uploads let through", () => Task.FromResult(_s3.Puts.Count - putsBefore), n => n >= 5, seconds: 30);
        Assert.Equal(5, _s3.Puts.Count - putsBefore);
        Assert.Equal(firstManifest, await ManifestBytes());
        Assert.DoesNotContain(PublishManifest.Key, _s3.Puts.Skip(putsBefore));
        Assert.True(wanted.Count > 5, $"{wanted.Count} objects planned: the kill must land midway");

        Assert.Equal(0, await RunPublish(dir, identity));

        using var reader = _s3.Reader();
        Assert.Equal(wanted.Keys.Append(PublishManifest.Key).Order(StringComparer.Ordinal), (await Keys(reader)).Order(StringComparer.Ordinal));
        foreach (var (key, planned) in wanted)
        {
            using var response = await reader.GetObjectAsync(S3rverProcess.Bucket, key);
            Assert.True(Sha(await Body(response)) == planned.Sha256, $"{key} is not the new head's");
        }
        var head = PublishManifest.HeadOf(await ManifestBytes());
        Assert.Equal(_factory.Services.GetRequiredService<StatusPage.Server.History.LedgerService>().Current.Head, head);
    }

    [Fact]
    public async Task The_server_publishes_by_itself_after_a_post_and_after_a_restart_publishes_the_head_it_missed()
    {
        var dataDir = Path.Combine(_root, "data");
        Directory.CreateDirectory(dataDir);
        var settings = new Dictionary<string, string>(_s3.Settings())
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
            ["StatusPage:Publish:Automatic"] = "true",
            ["StatusPage:Publish:CredentialsFile"] = _s3.CredentialsFile(),
            ["StatusPage:Publish:Profile"] = "s3rver",
            ["StatusPage:Publish:Delay"] = "00:00:00.100",
            ["StatusPage:Publish:FirstRetryDelay"] = "00:00:00.200",
        };
        await using (var server = new StatusPageFactory(dataDir: dataDir, kestrel: true, settings: settings))
        {
            server.StartServer();
            var ledger = server.Services.GetRequiredService<StatusPage.Server.History.LedgerService>();
            await UntilPublished(() => ledger.Current.Head);
            using var client = new HttpClient { BaseAddress = server.ListeningAddress() };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
            var (id, _) = await Api.CreateIncident(client, "Dashboard slow to load");

            await UntilPublished(() => ledger.Current.Head);
            using var reader = _s3.Reader();
            Assert.Contains($"incidents/{id}/index.html", await Keys(reader));
        }

        // The bucket unreachable: the post is acknowledged at once, and the publish waits for the bucket (retried with backoff).
        var offline = new Dictionary<string, string>(settings) { ["StatusPage:Publish:Endpoint"] = "http://127.0.0.1:9/" };
        StatusPage.Server.Ledger.LedgerHead missed;
        string search;
        await using (var server = new StatusPageFactory(dataDir: dataDir, kestrel: true, settings: offline))
        {
            server.StartServer();
            using var client = new HttpClient { BaseAddress = server.ListeningAddress() };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
            (search, _) = await Api.CreateIncident(client, "Search slow");
            missed = server.Services.GetRequiredService<StatusPage.Server.History.LedgerService>().Current.Head;
            // The publisher has exported the new head (its upload is what cannot happen): stopped after that, not after a guess.
            await Eventually.Until("the offline server's export of the new incident", () => Task.FromResult(Exported(Path.Combine(dataDir, "site"),
                $"incidents/{search}/index.html")), done => done, seconds: 240);
        }
        Assert.NotEqual(missed, PublishManifest.HeadOf(await ManifestBytes()));

        // Restarted with the bucket back: the head appended while it was away is published without a new post (the head the
        // restarted server publishes is that one, or one after it should its start-up have appended: never an older one).
        await using (var server = new StatusPageFactory(dataDir: dataDir, kestrel: true, settings: settings))
        {
            server.StartServer();
            var ledger = server.Services.GetRequiredService<StatusPage.Server.History.LedgerService>();
            await UntilPublished(() => ledger.Current.Head);
            Assert.True(PublishManifest.HeadOf(await ManifestBytes())!.Seq >= missed.Seq);
            using var reader = _s3.Reader();
            Assert.Contains($"incidents/{search}/index.html", await Keys(reader));
        }
    }

    [Fact]
    public async Task Without_a_bucket_the_server_keeps_its_export_folder_current_after_each_post()
    {
        var dataDir = Path.Combine(_root, "data");
        Directory.CreateDirectory(dataDir);
        var settings = new Dictionary<string, string>
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
            ["StatusPage:Publish:Automatic"] = "true",
            ["StatusPage:Publish:Delay"] = "00:00:00.100",
        };
        await using var server = new StatusPageFactory(dataDir: dataDir, kestrel: true, settings: settings);
        server.StartServer();
        var ledger = server.Services.GetRequiredService<StatusPage.Server.History.LedgerService>();
        var cursor = server.Services.GetRequiredService<StatusPage.Server.Publishing.PublishStateStore>();
        using var client = new HttpClient { BaseAddress = server.ListeningAddress() };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        var (id, _) = await Api.CreateIncident(client, "Dashboard slow to load");

        var site = Path.Combine(dataDir, "site");
        await Eventually.Until("the export of the new incident", () => Task.FromResult(Exported(site, $"incidents/{id}/index.html")),
            done => done, seconds: 240);
        Assert.Contains("Dashboard slow to load", await File.ReadAllTextAsync(Path.Combine(site, "incidents", id, "index.html")));
        // The cursor moves as with a bucket: a restart exports only a head it has not exported yet.
        await Eventually.Until("the cursor at the ledger's head", () => Task.FromResult(cursor.Published()), head => head == ledger.Current.Head,
            seconds: 60);
    }

    // Whether the export in `dir` lists `path` (false while its manifest is missing or being rewritten).
    private static bool Exported(string dir, string path)
    {
        try
        {
            return Manifest(dir).ContainsKey(path);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task With_no_new_post_the_server_republishes_the_pages_that_move_with_the_clock_uploading_only_those_that_changed()
    {
        var dataDir = Path.Combine(_root, "data");
        Directory.CreateDirectory(dataDir);
        var time = new FakeTimeProvider(StatusPageFactory.DemoNow);
        var settings = new Dictionary<string, string>(_s3.Settings())
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
            ["StatusPage:Publish:Automatic"] = "true",
            ["StatusPage:Publish:CredentialsFile"] = _s3.CredentialsFile(),
            ["StatusPage:Publish:Profile"] = "s3rver",
            ["StatusPage:Publish:Delay"] = "00:00:00",
            ["StatusPage:Publish:Refresh"] = "00:05:00",
        };
        await using var server = new StatusPageFactory(time: time, dataDir: dataDir, kestrel: true, settings: settings);
        server.StartServer();
        var ledger = server.Services.GetRequiredService<StatusPage.Server.History.LedgerService>();
        using var client = new HttpClient { BaseAddress = server.ListeningAddress() };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        // An open incident: its page shows how long it has been going on.
        var (id, _) = await Api.CreateIncident(client, "Dashboard slow to load");
        await UntilPublished(() => ledger.Current.Head);
        var head = ledger.Current.Head;
        var resolved = ledger.Current.Incidents.Values.OrderBy(i => i.Id, StringComparer.Ordinal)
            .First(i => i.Status == StatusPage.Client.Contracts.IncidentStatus.Resolved).Id;
        using var reader = _s3.Reader();
        var openPage = $"incidents/{id}/index.html";
        // The bucket at rest: no upload between counting the puts and reading the manifest, and the manifest put last (a clean
        // clone once saw badge.svg uploaded in between, so counted before yet missing from the manifest read).
        var putsBefore = -1;
        var before = new Dictionary<string, PublishManifest.Stored>();
        await Eventually.Until("the bucket to be at rest", async () =>
        {
            putsBefore = _s3.Puts.Count;
            before = PublishManifest.Read(await ManifestBytes());
            return _s3.Puts.Count == putsBefore && _s3.Puts[^1] == PublishManifest.Key;
        }, atRest => atRest, seconds: 60);

        // The clock moves on by the refresh interval, a step at a time (each step also fires a wait that began late), until a
        // refresh has put the open incident's page and then the manifest.
        var deadline = Stopwatch.StartNew();
        List<string> puts = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(240))
        {
            puts = [.. _s3.Puts.Skip(putsBefore)];
            if (puts.Contains(openPage) && puts.LastIndexOf(PublishManifest.Key) > puts.IndexOf(openPage))
            {
                break;
            }
            time.Advance(TimeSpan.FromMinutes(5));
            await Task.Delay(500);
        }

        Assert.True(puts.Contains(openPage), $"the open incident's page was not republished within 240 s ({puts.Count} puts)");
        // No refresh still running: the last one ended at the clock's present (the cursor's time) with the manifest.
        var state = server.Services.GetRequiredService<PublishStateStore>();
        await Eventually.Until("the last refresh to end", () => Task.FromResult(state.Last()?.At == time.GetUtcNow()
            && _s3.Puts[^1] == PublishManifest.Key), done => done, seconds: 240);
        puts = [.. _s3.Puts.Skip(putsBefore)];

        // Durable as a head's publish (the cursor names the same head), and no post made it: the head is the one published before.
        Assert.Equal(head, ledger.Current.Head);
        Assert.Equal(head, PublishManifest.HeadOf(await ManifestBytes()));
        Assert.Equal(head, state.Published());
        // Exactly the objects whose bodies the clock changed went up again (the open incident's page among them); a resolved
        // incident's page kept its object.
        var after = PublishManifest.Read(await ManifestBytes());
        var changed = after.Values.Where(o => !before.TryGetValue(o.Key, out var old) || old.Sha256 != o.Sha256).Select(o => o.Key);
        Assert.Equal(changed.Order(StringComparer.Ordinal), puts.Where(k => k != PublishManifest.Key).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(openPage, changed);
        Assert.DoesNotContain($"incidents/{resolved}/index.html", puts);
        Assert.True(changed.Count() < after.Count / 2, $"{changed.Count()} of {after.Count} objects changed");
    }

    [Fact]
    public async Task Publish_explains_itself_with_help_and_refuses_an_unknown_argument_or_a_missing_bucket()
    {
        var (helpExit, help, _) = await RunVerb(["publish", "--help"]);
        Assert.Equal(0, helpExit);
        Assert.Contains("publish --from DIR", help, StringComparison.Ordinal);
        Assert.Contains("StatusPage:Publish:Bucket", help, StringComparison.Ordinal);

        var (unknownExit, _, unknown) = await RunVerb(["publish", "--bogus"]);
        Assert.Equal(2, unknownExit);
        Assert.Contains("'--bogus'", unknown, StringComparison.Ordinal);

        var (noBucketExit, _, noBucket) = await RunVerb(["publish", "--from", _root]);
        Assert.Equal(1, noBucketExit);
        Assert.Contains("StatusPage:Publish:Bucket is not set", noBucket, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output, string Error)> RunVerb(string[] args) => ChildProcess.ServerAsync(args);

    // Polls the bucket's manifest while the publisher may be overwriting it. s3rver answers a GET racing that PUT with a broken
    // ETag, which the SDK's response handler throws on (ArgumentOutOfRangeException, parameter 'hex': the failure seen under
    // load); that, and a reset or timeout of a busy s3rver, is a "not yet", kept for the message if the head never arrives.
    private async Task UntilPublished(Func<StatusPage.Server.Ledger.LedgerHead> head)
    {
        var deadline = Stopwatch.StartNew();
        string? lastError = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(240))
        {
            try
            {
                if (PublishManifest.HeadOf(await ManifestBytes()) == head())
                {
                    return;
                }
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException
                or IOException or TaskCanceledException or ArgumentException)
            {
                lastError = e.Message;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"head {head()} did not reach the bucket within 240 s" + (lastError is null ? "" : $" (last read failed: {lastError})"));
    }

    private async Task<int> RunPublish(string dir, params string[] extra)
    {
        using var process = StartPublish(dir, extra);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"publish exited {process.ExitCode}:\n{await output}\n{await error}");
        Assert.Contains("published ", await output, StringComparison.Ordinal);
        return process.ExitCode;
    }

    // The CLI as its own process, credentials from the environment as an operator's shell would give them.
    private Process StartPublish(string dir, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { TestPaths.ServerDll, "publish", "--from", dir }.Concat(_s3.Settings().Select(s => $"--{s.Key}={s.Value}")).Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["AWS_ACCESS_KEY_ID"] = S3rverProcess.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = S3rverProcess.SecretKey;
        return Process.Start(start)!;
    }

    private PublishOptions Options(string encoding = "gzip") => new()
    {
        Encoding = encoding,
        Bucket = S3rverProcess.Bucket,
        Endpoint = _s3.Endpoint.ToString(),
        ForcePathStyle = true,
        CredentialsFile = _s3.CredentialsFile(),
        Profile = "s3rver",
    };

    private async Task<SitePublisher.Result> Publish(string dir)
    {
        using var bucket = BucketClient.Open(Options());
        return await new SitePublisher(bucket, Options()).PublishAsync(dir);
    }

    private Dictionary<string, PublishPlan.Planned> Planned(string dir, string encoding = "gzip")
    {
        using var bucket = BucketClient.Open(Options(encoding));
        return new SitePublisher(bucket, Options(encoding)).Wanted(Manifest(dir)).ToDictionary(p => p.Key);
    }

    // s3rver sends an object's length and then streams its file: a read cut short (seen once: "response ended prematurely,
    // 116992 bytes expected", no body byte sent) is read again. Real S3 serves a whole object or an error, never part of one.
    private async Task<byte[]?> ManifestBytes()
    {
        using var bucket = BucketClient.Open(Options());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await bucket.GetAsync(PublishManifest.Key, CancellationToken.None);
            }
            catch (HttpIOException) when (attempt < 3)
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<List<string>> Keys(Amazon.S3.AmazonS3Client reader)
    {
        var response = await reader.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3rverProcess.Bucket });
        var keys = response.S3Objects?.Select(o => o.Key).ToList() ?? [];
        Assert.False(response.IsTruncated == true, "more than one listing page");
        return keys;
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

    private Task<SiteExporter.Result> Export(string dir) => new SiteExporter(Client(), dir).ExportAsync();

    private static Dictionary<string, ExportManifest.Entry> Manifest(string dir) =>
        (ExportManifest.Load(Path.Combine(dir, SiteExporter.ManifestName)) ?? throw new FileNotFoundException("no manifest yet")).Files.ToDictionary();

    private static async Task<byte[]> Body(GetObjectResponse response)
    {
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static byte[] Read(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    // The SDK's HTTP stack reorders Cache-Control directives when it parses them: compare the set.
    private static string Directives(string cacheControl) =>
        string.Join(", ", cacheControl.Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
