using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.Cli;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;

namespace StatusPage.Tests.Http;

// The log as C2SP tlog-tiles under /ledger/ (docs/LEDGER.md §6.1) on the real server (Kestrel on loopback, a LiteDB file), checked
// by a computation of the test's own from the entries (RFC 9162 hashing written here, not the server's MerkleTree); and the
// static export's ledger files: the same bytes, a bounded increment, `verify` on the folder and on the URL.
public sealed class LedgerTilesTests : IAsyncLifetime
{
    private readonly StatusPageFactory _factory = new(kestrel: true,
        settings: new Dictionary<string, string>
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
            ["StatusPage:RateLimits:WritesPerMinute"] = "1000000",
        });
    private readonly string _root = Directory.CreateTempSubdirectory("statuspage-tiles-").FullName;
    private HttpClient _reader = null!;
    private HttpClient _writer = null!;
    private string _incident = "";

    public async Task InitializeAsync()
    {
        _ = _factory.Services;
        _reader = new HttpClient { BaseAddress = _factory.ListeningAddress() };
        _writer = new HttpClient { BaseAddress = _factory.ListeningAddress() };
        _writer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        (_incident, _) = await _writer.CreateIncident("Dashboard slow to load");
    }

    public async Task DisposeAsync()
    {
        _reader.Dispose();
        _writer.Dispose();
        await _factory.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Tiles_recomputed_from_the_entries_give_the_checkpoint_root_and_the_servers_inclusion_proofs_across_a_full_tile()
    {
        await PostUntil(250);
        var (before, _) = await Checkpoint();
        var partialPath = $"/ledger/tile/0/000.p/{before}";
        var partial = await _reader.GetAsync(new Uri(partialPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal("public, max-age=10, must-revalidate", partial.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("application/octet-stream", partial.Content.Headers.ContentType?.ToString());
        var partialBytes = await partial.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync(new Uri("/ledger/tile/0/000", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync(new Uri($"/ledger/tile/0/000.p/{before + 1}", UriKind.Relative))).StatusCode);

        await PostUntil(300);
        var (size, root) = await Checkpoint();
        Assert.InRange(size, 300, 310);

        // Level 0: the full tile, then the partial one; each hash is SHA-256(0x00 ‖ the entry's 32-byte hash).
        var full = await _reader.GetAsync(new Uri("/ledger/tile/0/000", UriKind.Relative));
        Assert.Equal("public, max-age=31536000, immutable", full.Headers.NonValidated["Cache-Control"].ToString());
        var fullBytes = await full.Content.ReadAsByteArrayAsync();
        Assert.Equal(8192, fullBytes.Length);
        // The partial tile of the earlier checkpoint is the start of the full one (what a client holding it checks).
        Assert.Equal(partialBytes, fullBytes[..partialBytes.Length]);
        var rest = await Bytes($"/ledger/tile/0/001.p/{size - 256}");
        var leafHashes = fullBytes.Concat(rest).Chunk(32).ToList();
        var entries = await Entries();
        Assert.Equal(size, entries.Count);
        Assert.Equal(entries.Select(e => Convert.ToHexStringLower(SHA256.HashData([0, .. Convert.FromHexString(e.Hash)]))),
            leafHashes.Select(Convert.ToHexStringLower));

        // Entry bundles: big-endian uint16 length 32, then the entry's hash, per entry.
        var bundles = (await Bytes("/ledger/tile/entries/000")).Concat(await Bytes($"/ledger/tile/entries/001.p/{size - 256}")).Chunk(34).ToList();
        Assert.Equal(entries.Select(e => "0020" + e.Hash), bundles.Select(Convert.ToHexStringLower));

        // Level 1: one partial tile of width 1, the root of the first 256 leaves.
        var level1 = await Bytes("/ledger/tile/1/000.p/1");
        Assert.Equal(Convert.ToHexStringLower(Mth(leafHashes, 0, 256)), Convert.ToHexStringLower(level1));

        // The root from the tiles alone (the level-1 hash for the full first 256 leaves) is the checkpoint's.
        byte[] FromTiles(long start, long end) => start == 0 && end == 256 ? level1 : Mth(leafHashes, start, end);
        Assert.Equal(root, Convert.ToBase64String(Node(FromTiles(0, 256), Mth(leafHashes, 256, size))));
        Assert.Equal(root, Convert.ToBase64String(Mth(leafHashes, 0, size)));

        // Inclusion proofs built from the tiles are the server's proof API's, for leaves in the full and the partial tile.
        foreach (var seq in new long[] { 1, 200, 256, 257, size })
        {
            var proof = await (await _reader.GetAsync(new Uri($"/api/v1/ledger/proof/inclusion?seq={seq}&size={size}", UriKind.Relative))).Json();
            var expected = proof.GetProperty("hashes").EnumerateArray().Select(h => h.GetString()).ToList();
            Assert.Equal(expected, Path(leafHashes, seq - 1, 0, size).Select(Convert.ToBase64String));
        }

        // Malformed tile paths are not found, never an error.
        foreach (var bad in new[] { "/ledger/tile/0/0", "/ledger/tile/0/000.p/0", "/ledger/tile/0/000.p/256", "/ledger/tile/00/000", "/ledger/tile/0/x000",
            "/ledger/tile/64/000", "/ledger/tile/9/000.p/1", "/ledger/ndjson/000", "/ledger/tile/0/000.ndjson",
            // Beyond any log: an index that would overflow, or whose first leaf would wrap negative; a leading zero group.
            "/ledger/tile/0/x010/x000/x000/x000/x000/x000/000", "/ledger/tile/entries/x036/x028/x797/x018/x963/968", "/ledger/tile/0/x000/005" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync(new Uri(bad, UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task The_export_has_the_servers_ledger_bytes_and_one_post_rewrites_the_same_few_ledger_files_at_two_sizes()
    {
        var dir = System.IO.Path.Combine(_root, "site");
        var counts = new List<(long Size, int Changed, int Deleted, int LedgerFetched)>();
        foreach (var target in new long[] { 230, 530 })
        {
            await PostUntil(target);
            await Export(dir);
            var before = Manifest(dir);
            await Post();
            var increment = await Export(dir);
            var after = Manifest(dir);
            var changed = after.Values.Where(e => e.Path.StartsWith("ledger/", StringComparison.Ordinal)
                && (!before.TryGetValue(e.Path, out var old) || old.Sha256 != e.Sha256)).Select(e => e.Path).Order(StringComparer.Ordinal).ToList();
            var deleted = before.Keys.Where(p => p.StartsWith("ledger/", StringComparison.Ordinal) && !after.ContainsKey(p)).ToList();
            var (size, _) = await Checkpoint();
            var width = size % 256;
            // The checkpoint and the partial NDJSON chunk (each with .br and .gz), the partial hash tile and bundle of level 0; full
            // tiles and chunks are neither fetched nor written again (nor is the level-1 partial tile, unchanged within 256 entries).
            string[] expected =
            [
                "ledger/checkpoint", "ledger/checkpoint.br", "ledger/checkpoint.gz",
                $"ledger/ndjson/00{size / 256}.p/{width}.ndjson", $"ledger/ndjson/00{size / 256}.p/{width}.ndjson.br",
                $"ledger/ndjson/00{size / 256}.p/{width}.ndjson.gz", $"ledger/tile/0/00{size / 256}.p/{width}",
                $"ledger/tile/entries/00{size / 256}.p/{width}",
            ];
            Assert.Equal(expected.Order(StringComparer.Ordinal), changed);
            // The previous partial chunk (with its siblings), tile and bundle.
            Assert.Equal(5, deleted.Count);
            Assert.All(deleted, p => Assert.Contains(".p/", p, StringComparison.Ordinal));
            counts.Add((size, changed.Count, deleted.Count, increment.LedgerFetched));
            Assert.True(increment.LedgerFetched <= 5, $"{increment.LedgerFetched} ledger files fetched at size {size}");
        }
        Assert.True(counts[1].Size > 2 * counts[0].Size);

        // Same bytes as the server at the same paths, with the server's cache class.
        var manifest = Manifest(dir);
        var ledgerFiles = manifest.Values.Where(e => e.Url is not null && e.Url.StartsWith("/ledger/", StringComparison.Ordinal)).ToList();
        Assert.Contains(ledgerFiles, e => e.Path == "ledger/tile/0/001" && e.Cache == "immutable");
        Assert.Contains(ledgerFiles, e => e.Path == "ledger/tile/entries/000" && e.Cache == "immutable");
        Assert.Contains(ledgerFiles, e => e.Path == "ledger/ndjson/000.ndjson" && e.Cache == "short");
        Assert.Contains(ledgerFiles, e => e.Path.StartsWith("ledger/tile/0/002.p/", StringComparison.Ordinal) && e.Cache == "short");
        foreach (var entry in ledgerFiles)
        {
            Assert.Equal(entry.Url!.TrimStart('/'), entry.Path);
            Assert.True((await Bytes(entry.Url)).AsSpan().SequenceEqual(File.ReadAllBytes(System.IO.Path.Combine(dir, entry.Path))), entry.Path);
        }

        // A folder whose checkpoint the log does not extend (another ledger's export, here size 1 with another root): its full
        // tiles are not trusted, every ledger file is fetched again (and the checkpoint, another length, rewritten).
        var checkpointFile = System.IO.Path.Combine(dir, "ledger", "checkpoint");
        var lines = File.ReadAllText(checkpointFile).Split('\n');
        (lines[1], lines[2]) = ("1", Convert.ToBase64String(new byte[32]));
        File.WriteAllText(checkpointFile, string.Join('\n', lines));
        var distrusted = await Export(dir);
        var (finalSize, _) = await Checkpoint();
        Assert.Equal(1 + StatusPage.Server.Transparency.TileLayout.For(finalSize).Count(), distrusted.LedgerFetched);
        Assert.True((await Export(dir)).LedgerFetched <= 5);
    }

    [Fact]
    public async Task Verify_accepts_an_exported_folder_and_the_servers_url_and_refuses_a_tampered_chunk_or_tile()
    {
        await PostUntil(270);
        var dir = System.IO.Path.Combine(_root, "site");
        await Export(dir);
        var (size, _) = await Checkpoint();

        var (exit, output, error) = Verify(dir);
        Assert.True(exit == 0, error);
        Assert.Contains($"{size} entries verified", output, StringComparison.Ordinal);
        (exit, output, error) = Verify(_factory.ListeningAddress().ToString());
        Assert.True(exit == 0, error);
        Assert.Contains($"{size} entries verified", output, StringComparison.Ordinal);
        // The signature too, with the site's own checkpoint file and the log's key.
        var key = (await _reader.GetStringAsync(new Uri("/api/v1/ledger/key", UriKind.Relative))).Trim();
        (exit, _, error) = Verify(dir, "--checkpoint", System.IO.Path.Combine(dir, "ledger", "checkpoint"), "--key", key);
        Assert.True(exit == 0, error);
        // And tools/verify_ledger.py, written from docs/LEDGER.md: the folder's chunks, tiles (levels 0 and 1) and bundles.
        (exit, output, error) = Python(dir, System.IO.Path.Combine(dir, "ledger", "checkpoint"), key);
        Assert.True(exit == 0, error);
        Assert.Contains($"OK: {size} entries verified", output, StringComparison.Ordinal);

        // One word of one entry in a full (immutable-looking) chunk.
        var chunk = System.IO.Path.Combine(dir, "ledger", "ndjson", "000.ndjson");
        var original = File.ReadAllText(chunk);
        File.WriteAllText(chunk, original.Replace("\"author\":\"admin\"", "\"author\":\"mallory\"", StringComparison.Ordinal));
        Assert.NotEqual(original, File.ReadAllText(chunk));
        (exit, _, error) = Verify(dir);
        Assert.Equal(1, exit);
        Assert.Contains("first bad entry is", error, StringComparison.Ordinal);
        Assert.Equal(1, Python(dir, System.IO.Path.Combine(dir, "ledger", "checkpoint"), key).Exit);
        File.WriteAllText(chunk, original);

        // A hash tile that no longer matches the entries.
        var tile = System.IO.Path.Combine(dir, "ledger", "tile", "0", "000");
        var bytes = File.ReadAllBytes(tile);
        bytes[100] ^= 1;
        File.WriteAllBytes(tile, bytes);
        (exit, _, error) = Verify(dir);
        Assert.Equal(1, exit);
        Assert.Contains("ledger/tile/0/000 does not hold what the entries give", error, StringComparison.Ordinal);
        (exit, _, error) = Python(dir, System.IO.Path.Combine(dir, "ledger", "checkpoint"), key);
        Assert.Equal(1, exit);
        Assert.Contains("ledger/tile/0/000 does not hold what the entries give", error, StringComparison.Ordinal);
        // Checking the signature checks no less: the tiles are still compared.
        (exit, _, error) = Verify(dir, "--checkpoint", System.IO.Path.Combine(dir, "ledger", "checkpoint"), "--key", key);
        Assert.Equal(1, exit);
        Assert.Contains("ledger/tile/0/000 does not hold what the entries give", error, StringComparison.Ordinal);

        // A tile the checkpoint names but the site lacks: a failure with its name, not a crash.
        File.Delete(tile);
        (exit, _, error) = Verify(dir);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED", error, StringComparison.Ordinal);
        Assert.Contains("000", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", error, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Python(params string[] args) => ChildProcess.Tool("verify_ledger.py", args);

    private static (int Exit, string Output, string Error) Verify(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CommandLine.Run(["verify", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task PostUntil(long size)
    {
        while ((await Checkpoint()).Size < size)
        {
            await Post();
        }
    }

    private async Task Post()
    {
        var posted = await _writer.Post($"/api/v1/incidents/{_incident}/updates", new { Status = "identified", Body = "Still looking." });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
    }

    private async Task<(long Size, string Root)> Checkpoint()
    {
        var lines = (await _reader.GetStringAsync(new Uri("/ledger/checkpoint", UriKind.Relative))).Split('\n');
        return (long.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), lines[2]);
    }

    private async Task<List<LedgerLine>> Entries() =>
        [.. (await _reader.GetStringAsync(new Uri("/api/v1/ledger", UriKind.Relative))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LedgerLine.Parse)];

    private Task<byte[]> Bytes(string path) => _reader.GetByteArrayAsync(new Uri(path, UriKind.Relative));

    private Task<SiteExporter.Result> Export(string dir) => new SiteExporter(_reader, dir, PageVersions.For(
        _factory.Services.GetRequiredService<LedgerService>().Current, _factory.Services.GetRequiredService<SiteSettingsHolder>().Current,
        _factory.Services.GetRequiredService<TimeProvider>().GetUtcNow())).ExportAsync();

    private static Dictionary<string, ExportManifest.Entry> Manifest(string dir) =>
        ExportManifest.Load(System.IO.Path.Combine(dir, SiteExporter.ManifestName))!.Files.ToDictionary();

    // RFC 9162 §2.1.1 over leaf hashes: MTH(D[start:end]), split at the largest power of two smaller than the size.
    private static byte[] Mth(List<byte[]> leaves, long start, long end)
    {
        if (end - start == 1)
        {
            return leaves[(int)start];
        }
        var k = Split(end - start);
        return Node(Mth(leaves, start, start + k), Mth(leaves, start + k, end));
    }

    // RFC 9162 §2.1.3.1 PATH(m, D[start:end]).
    private static List<byte[]> Path(List<byte[]> leaves, long m, long start, long end)
    {
        if (end - start == 1)
        {
            return [];
        }
        var k = Split(end - start);
        return m < k
            ? [.. Path(leaves, m, start, start + k), Mth(leaves, start + k, end)]
            : [.. Path(leaves, m - k, start + k, end), Mth(leaves, start, start + k)];
    }

    private static long Split(long n)
    {
        var k = 1L;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([1, .. left, .. right]);
}
