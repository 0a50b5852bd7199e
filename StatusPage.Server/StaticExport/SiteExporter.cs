using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.StaticExport;

// The public site as static files, fetched through the server's own pipeline (the same bytes as the dynamic pages): pages in
// every language found by following links from the home pages, plus what no page links to (feeds, v2 JSON, the ledger API's
// files, badges), and the log's tiles and NDJSON chunks under ledger/ (LedgerAsync). A URL with no extension is a folder:
// /incidents/x is incidents/x/index.html (or index.json, index.ndjson, index.txt by its type), so /incidents/x/proof.json can
// sit beside it. Text files get .br and .gz siblings. Files are written as they are fetched (an export holds one page at a time,
// not the site), the log's checkpoints after every tile, the manifest last.
// Incremental: a file whose bytes match the previous manifest is not rewritten; a file no longer exported is deleted. Given
// the pages' versions (PageVersions, issue 15), a page whose version and renderer match the previous manifest's is not even
// fetched: only pages whose content moved, pages that move with the clock whose window moved, and pages new since are rendered.
// After an export by this same process on the same day, not even every version is computed: only the addresses the ledger's
// change can have moved (PageVersions.ChangedSince), the volatile ones (whose version named the head or the clock) and the seeds
// are decided; every other page of the previous manifest is kept as it is, so an increment costs what the post touched.
internal sealed partial class SiteExporter(HttpClient client, string directory, PageVersions? versions = null)
{
    public const string ManifestName = "manifest.json";

    // What no page links to; pages' own feeds, badges and proofs are added per page (Derived).
    public static readonly string[] Seeds =
    [
        "/", "/history.atom", "/history.rss", "/maintenance.ics", "/badge.svg", "/sla.csv", "/sla.json",
        "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json", "/api/v2/scheduled-maintenances/upcoming.json",
        "/api/v2/scheduled-maintenances/active.json", "/api/v1/ledger", "/api/v1/ledger/head", "/api/v1/ledger/checkpoint",
        "/api/v1/ledger/key",
    ];

    // The not-found page of each language, served by the host for any missing file (deploy/nginx.conf's error_page).
    private const string Missing = "/__not-found__";

    // What this export fetched, by file: its manifest entries (the file and its .br/.gz siblings), written as they are fetched so
    // that an export holds one page at a time, not the whole site (a full export of 100,000 entries is over 1 GB of files).
    private readonly ConcurrentDictionary<string, ExportManifest.Entry[]> _saved = new(StringComparer.Ordinal);

    // The log's checkpoints, written last (Write): a reader who sees the new size finds every tile it names already written.
    private readonly ConcurrentBag<Fetched> _checkpoints = [];

    private PartedFileDictionary _previous = PartedFileDictionary.Empty;

    // The previous manifest is the one this process wrote and the file is unchanged since: the pages kept without fetching are
    // taken as written, not checked one by one (a stat of each of 77,000 kept pages at 100,000 ledger entries). A page removed
    // by hand from the folder meanwhile comes back at the next export that reads the manifest from its file (a restart, the
    // export-site verb). So are the log's kept tiles and chunks (~1,200 stats per post at 100,000 entries); fetched files are
    // still checked.
    private bool _writtenHere;

    // The previous manifest as read (its parts: those whose entries did not change are not written again).
    private ExportManifest.Loaded? _previousManifest;
    private int _written;
    private int _unchanged;

    // Pages kept from the previous export without fetching them (their version did not move), by manifest part. Each previous
    // entry is kept at most once (one per URL, tile or language), so queues: a dictionary's node per entry, inserted from four
    // workers into a table the size of the site, cost ~30 ms per 10,000 pages at 100,000 entries. One per part of the previous
    // manifest (thousands at 100,000 entries), made when a page of it is kept.
    private ConcurrentQueue<ExportManifest.Entry>?[] _keptByPart = [];

    private sealed record Fetched(string? Url, string File, byte[] Bytes, string ContentType, string Cache, string? Version = null);

    // What an export left for the next one in this process: its pages' versions, and the addresses whose version was volatile.
    private sealed record Basis(PageVersions Versions, IReadOnlySet<string> Volatile);

    // By the manifest as this process wrote it and remembers it (ExportManifest.Remember): a manifest read from its file has none.
    private static readonly ConditionalWeakTable<ExportManifest.Loaded, Basis> Bases = [];

    // Tests set it (STATUSPAGE_EXPORT_CHECK_CANDIDATES=1): an export that decides only candidates also checks that every page it
    // did not decide has the version it had, so the inverse rules of ContentVersions.ChangedSince are checked by every increment.
    private static readonly bool CheckCandidates = Environment.GetEnvironmentVariable("STATUSPAGE_EXPORT_CHECK_CANDIDATES") == "1";

    // Only candidates were decided (the previous pages not visited are kept as they are), and which previous pages were visited.
    private bool _candidatesOnly;
    private readonly ConcurrentDictionary<string, bool> _visited = new(StringComparer.Ordinal);
    private int[] _visitedByPart = [];
    private readonly ConcurrentBag<string> _volatile = [];
    private int _decided;

    // Rendered: URLs fetched from the server; Kept: pages whose version had not moved, neither fetched nor written; LedgerFetched:
    // the ledger's files among Rendered (the checkpoint, tiles and chunks that were partial or new); Decided: pages whose version
    // was computed; CandidatesOnly: only an increment's candidates were decided, the other previous pages kept as they were.
    public sealed record Result(int Written, int Unchanged, int Deleted, int Files, long Bytes, IReadOnlyList<string> Skipped,
        int Rendered = 0, int Kept = 0, int LedgerFetched = 0, long BytesWritten = 0, long ManifestBytes = 0, string Phases = "",
        int Decided = 0, bool CandidatesOnly = false);

    private long _bytesWritten;
    private long _temporaries;

    public async Task<Result> ExportAsync(CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (paused, fullCollections) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var skipped = new ConcurrentBag<string>();
        _previous = Previous();
        (_keptByPart, _visitedByPart) = (new ConcurrentQueue<ExportManifest.Entry>?[_previous.PartCount], new int[_previous.PartCount]);
        // Pages the previous export made are visited again (kept or fetched); new ones are found by following the links of the
        // pages fetched (a page that links a new one has changed). A previous page no longer answered is deleted.
        ExportManifest.Entry? Earlier(string url) => _previous.AtAddress(url) is { } entry && IsPage(entry) ? entry : null;
        // Every URL is visited once: the previous pages, and the others met so far (not a second set of the previous pages' URLs).
        var others = new HashSet<string>(StringComparer.Ordinal);
        bool FirstSeen(string url) => Earlier(url) is null && others.Add(url);
        var roots = Seeds.Concat(LanguagePaths.Prefixed.Select(c => LanguagePaths.Prefix(c) + "/")).ToList();
        var candidates = Candidates(roots);
        _candidatesOnly = candidates is not null;
        List<(string Url, ExportManifest.Entry? Before)> level =
        [
            .. roots.Where(FirstSeen).Select(url => (url, (ExportManifest.Entry?)null)),
            .. (candidates ?? Enumerable.Range(0, _previous.PartCount).SelectMany(n => _previous.AddressesOf(n).Values).Where(IsPage))
                .Select(e => (e.Url!, (ExportManifest.Entry?)e)),
        ];
        var (readMs, level0) = (clock.ElapsedMilliseconds, level.Count);
        var rendered = 0;
        // Where the pages phase goes: deciding what to render, the renders, and the longest single render (a serial chain).
        var (decideMs, renderMs, renders) = (0L, 0L, new ConcurrentBag<(string Url, long Ms)>());
        while (level.Count > 0)
        {
            var started = clock.ElapsedMilliseconds;
            var toRender = ToRender(level);
            var decided = clock.ElapsedMilliseconds;
            rendered += toRender.Count;
            var found = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(toRender, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (visit, token) =>
                {
                    var (url, before, version) = visit;
                    var fetchStarted = clock.ElapsedMilliseconds;
                    var page = await FetchAsync(url, FileFor(url), token, version: version);
                    renders.Add((url, clock.ElapsedMilliseconds - fetchStarted));
                    if (page is null)
                    {
                        if (before is null)
                        {
                            skipped.Add(url);
                        }
                        return;
                    }
                    foreach (var link in Links(page).Concat(Derived(url)))
                    {
                        found.Add(link);
                    }
                });
            (decideMs, renderMs) = (decideMs + decided - started, renderMs + clock.ElapsedMilliseconds - decided);
            level = [.. found.Where(FirstSeen).Order(StringComparer.Ordinal).Select(url => (url, (ExportManifest.Entry?)null))];
        }
        foreach (var culture in ReaderLanguage.Cultures)
        {
            var prefix = LanguagePaths.Prefix(culture);
            var file = prefix.TrimStart('/') + (prefix.Length > 0 ? "/" : "") + "404.html";
            var version = versions?.VersionOf(prefix + Missing);
            if (Keep(_previous.GetValueOrDefault(file), version))
            {
                continue;
            }
            await FetchAsync(prefix + Missing, _ => file, cancellationToken, expected: HttpStatusCode.NotFound, version: version);
            rendered++;
        }
        if (_candidatesOnly && CheckCandidates)
        {
            CheckUndecided();
        }
        var pagesMs = clock.ElapsedMilliseconds;
        var slowest = renders.OrderByDescending(r => r.Ms).Select(r => $"{r.Url} {r.Ms} ms").FirstOrDefault() ?? "none";
        var ledgerFetched = await LedgerAsync(cancellationToken);
        var ledgerMs = clock.ElapsedMilliseconds;
        var result = Write([.. skipped.Order(StringComparer.Ordinal)]);
        RememberBasis();
        return result with
        {
            Rendered = rendered + ledgerFetched, Kept = _keptByPart.Sum(q => q?.Count ?? 0) + Undecided(), LedgerFetched = ledgerFetched, Decided = _decided,
            CandidatesOnly = _candidatesOnly,
            // The process's collections meanwhile (the bench's question: how much of an increment is the collector's).
            Phases = $"manifest read {readMs} ms{(_candidatesOnly ? $" ({level0} candidates)" : "")}, pages {pagesMs - readMs} ms (versions {decideMs} ms, renders {renderMs} ms, slowest "
                + $"{slowest}), ledger {ledgerMs - pagesMs} ms, write {clock.ElapsedMilliseconds - ledgerMs} ms "
                + $"({result.ManifestBytes / 1024} KB of manifest); "
                + $"GC paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms, {GC.CollectionCount(2) - fullCollections} gen2",
        };
    }

    // The pages of a level whose version moved, or that are new: every address is decided before any is fetched, on every core,
    // so that the renders do not wait for thread-pool threads behind a loop over tens of thousands of kept addresses.
    private List<(string Url, ExportManifest.Entry? Before, string? Version)> ToRender(List<(string Url, ExportManifest.Entry? Before)> level) =>
        [
            .. level.AsParallel()
                .Select(visit => (visit.Url, visit.Before, Version: Decide(visit.Url, visit.Before)))
                .Where(visit => !Keep(visit.Before, visit.Version)),
        ];

    // A page's version now, noting what the next increment needs: that the page was visited, and whether its version is volatile.
    private string? Decide(string url, ExportManifest.Entry? before)
    {
        var version = versions?.VersionOf(url);
        Interlocked.Increment(ref _decided);
        if (before is not null && _visited.TryAdd(url, true))
        {
            Interlocked.Increment(ref _visitedByPart[_previous.PartOf(before.Path)]);
        }
        if (version is not null && versions!.IsVolatile(version))
        {
            _volatile.Add(url);
        }
        return version;
    }

    // The previous pages an increment must decide, when the previous export was this process's own on the same day: the seeds
    // and language roots, the volatile addresses, and every language's address of what the ledger's change can have moved. Null:
    // decide every previous page.
    private List<ExportManifest.Entry>? Candidates(IEnumerable<string> roots)
    {
        if (_previousManifest is not { Remembered: true } manifest || !ReferenceEquals(_previous, manifest.Files)
            || !Bases.TryGetValue(manifest, out var basis) || versions?.ChangedSince(basis.Versions) is not { } changed)
        {
            return null;
        }
        var urls = new HashSet<string>(roots, StringComparer.Ordinal);
        urls.UnionWith(basis.Volatile);
        urls.UnionWith(changed.SelectMany(PageVersions.Addresses));
        return [.. urls.Select(url => _previous.AtAddress(url)).OfType<ExportManifest.Entry>().Where(IsPage)];
    }

    // How many previous pages were kept without being decided (only when candidates alone were).
    private int Undecided() => _candidatesOnly
        ? Enumerable.Range(0, _previous.PartCount).Sum(n => PagesOf(_previous.Part(n)) - _visitedByPart[n])
        : 0;

    // The pages of a manifest part (not its not-found pages, ledger files or compressed siblings), counted once per part.
    private static int PagesOf(IReadOnlyDictionary<string, ExportManifest.Entry> part) =>
        PageCounts.GetValue(part, static p => new StrongBox<int>(p.Values.Count(IsPageFile))).Value;

    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, ExportManifest.Entry>, StrongBox<int>> PageCounts = [];

    // The check mode's proof that the candidates were enough: every page not decided has the version it had, and not a volatile one.
    private void CheckUndecided()
    {
        for (var number = 0; number < _previous.PartCount; number++)
        {
            foreach (var entry in _previous.Part(number).Values.Where(e => IsPageFile(e) && !_visited.ContainsKey(e.Url!)))
            {
                var version = versions!.VersionOf(entry.Url!);
                if (version != entry.Version || versions.IsVolatile(version!))
                {
                    throw new InvalidOperationException($"{entry.Url}: version {entry.Version} -> {version}, but not a candidate of the increment");
                }
            }
        }
    }

    // What the next export in this process compares with (nothing without versions: it then decides every page again).
    private void RememberBasis()
    {
        if (versions is not null && ExportManifest.Load(Path.Combine(directory, ManifestName)) is { Remembered: true } written)
        {
            Bases.AddOrUpdate(written, new Basis(versions, _volatile.ToHashSet(StringComparer.Ordinal)));
        }
    }

    // A manifest entry that is a page's own file (an address, not a compressed sibling), of the kind IsPage visits.
    private static bool IsPageFile(ExportManifest.Entry entry) => entry.Url is not null && entry.Encoding is null && IsPage(entry);

    // A page of the previous export is visited again; its not-found pages and the log's files have their own passes.
    private static bool IsPage(ExportManifest.Entry entry) =>
        !entry.Url!.EndsWith(Missing, StringComparison.Ordinal) && !entry.Url.StartsWith(TileLayout.Prefix, StringComparison.Ordinal);

    // The previous manifest, if its pages were rendered the way this export renders them (same build, settings, zone offset);
    // otherwise nothing is kept without fetching, though unchanged bytes are still not rewritten.
    private PartedFileDictionary Previous()
    {
        ExportManifest.Loaded? manifest;
        try
        {
            manifest = ExportManifest.Load(Path.Combine(directory, ManifestName));
        }
        catch (InvalidDataException)
        {
            // A part missing or altered: nothing of the previous export is trusted, every file is compared by its bytes again.
            manifest = null;
        }
        if (manifest is null)
        {
            return PartedFileDictionary.Empty;
        }
        _previousManifest = manifest;
        _writtenHere = manifest.Remembered;
        if (versions is null || manifest.Renderer != versions.Renderer)
        {
            return PartedFileDictionary.From(manifest.Files.Values.Select(e => e with { Version = null }), manifest.Subparts);
        }
        return manifest.Files as PartedFileDictionary ?? PartedFileDictionary.From(manifest.Files.Values);
    }

    // The log as tlog-tiles and NDJSON chunks at the exported checkpoint's size (Transparency/TileLayout, docs/LEDGER.md §6.1), at
    // the paths the server serves them. A full hash tile or entry bundle never changes: one the previous export wrote is kept
    // without fetching. A full NDJSON chunk changes only when a redaction erases one of its bodies: kept while its version
    // (HttpCache/ContentVersions) has not moved. So an increment fetches the partial ones and what just filled, whatever the size.
    // Returns how many files it fetched.
    private async Task<int> LedgerAsync(CancellationToken token)
    {
        var checkpoint = await FetchAsync(TileLayout.Prefix + "checkpoint", _ => LedgerFile("checkpoint"), token);
        if (checkpoint is null || SignedCheckpoint.ReadUnverified(Encoding.UTF8.GetString(checkpoint.Bytes)) is not { } latest)
        {
            return 0;
        }
        var fetched = 1;
        var (extendsPrevious, sameSize) = await ExtendsPreviousAsync(latest, token);
        await Parallel.ForEachAsync(TileLayout.For(latest.Size), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = token },
            async (tile, cancel) =>
            {
                var url = TileLayout.Prefix + tile.Path;
                var file = LedgerFile(tile.Path);
                var version = tile.Kind == TileLayout.Kind.Ndjson ? versions?.VersionOf(url) : null;
                // A partial tile changes with the log's size: kept only when the checkpoint did not move.
                var unchanged = extendsPrevious && (tile.Kind == TileLayout.Kind.Ndjson ? version is not null : tile.IsFull || sameSize);
                if (unchanged && _previous.TryGetValue(file, out var before) && (tile.Kind != TileLayout.Kind.Ndjson || before.Version == version)
                    && (_writtenHere || Exists(before)))
                {
                    KeepEntry(before);
                    return;
                }
                Interlocked.Increment(ref fetched);
                if (await FetchAsync(url, _ => file, cancel, version: version) is null)
                {
                    throw new InvalidOperationException($"{url} is missing although checkpoint {latest.Size} covers it");
                }
            });
        return fetched;
    }

    public static string LedgerFile(string path) => TileLayout.Prefix.TrimStart('/') + path;

    // Whether the log's new checkpoint extends the one the folder holds (same origin, and the server's consistency proof
    // verifies): only then are the folder's full tiles this log's. A folder reused for another ledger gets every tile again.
    // Also whether it is the same tree (same size and root): then even the partial tiles are the folder's.
    private async Task<(bool Extends, bool Same)> ExtendsPreviousAsync(Checkpoint latest, CancellationToken token)
    {
        var path = Path.Combine(directory, LedgerFile("checkpoint"));
        if (!File.Exists(path) || SignedCheckpoint.ReadUnverified(await File.ReadAllTextAsync(path, token)) is not { } before
            || before.Origin != latest.Origin || before.Size > latest.Size || before.Size == 0)
        {
            return (false, false);
        }
        if (before.Size == latest.Size)
        {
            var same = before.Root.AsSpan().SequenceEqual(latest.Root);
            return (same, same);
        }
        using var response = await client.GetAsync(new Uri($"/api/v1/ledger/proof/consistency?from={before.Size}&to={latest.Size}", UriKind.Relative), token);
        if (!response.IsSuccessStatusCode)
        {
            return (false, false);
        }
        using var proof = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(token));
        var hashes = proof.RootElement.GetProperty("hashes").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        return (MerkleProofs.VerifyConsistency(before.Size, before.Root, latest.Size, latest.Root, hashes), false);
    }

    private async Task<Fetched?> FetchAsync(string url, Func<string, string> fileByType, CancellationToken token,
        HttpStatusCode expected = HttpStatusCode.OK, string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await client.SendAsync(request, token);
        // A page that fails to render is not a page gone: skipped, it would be deleted from the export and the bucket.
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}: the export stops without writing its manifest",
                null, response.StatusCode);
        }
        if (response.StatusCode != expected)
        {
            return null;
        }
        var bytes = await response.Content.ReadAsByteArrayAsync(token);
        var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        var cache = response.Headers.CacheControl?.ToString() ?? "";
        var fetched = new Fetched(url, fileByType(type), bytes, type,
            cache.Contains("immutable", StringComparison.Ordinal) ? "immutable" : "short", version);
        if (fetched.File.Contains("checkpoint", StringComparison.Ordinal))
        {
            _checkpoints.Add(fetched);
        }
        else
        {
            Save(fetched);
        }
        return fetched;
    }

    // Writes a fetched file and its .br/.gz siblings unless the previous export holds the same bytes, and records their entries.
    private void Save(Fetched file)
    {
        var sha = ExportManifest.Sha256(file.Bytes);
        var identity = new ExportManifest.Entry(file.File, file.Url, file.Bytes.Length, sha, file.ContentType, null, file.Cache, file.Version);
        var same = _previous.TryGetValue(file.File, out var old) && old.Sha256 == sha && Exists(old);
        var entries = new List<ExportManifest.Entry> { identity };
        Count(same || Store(file.File, file.Bytes));
        if (IsText(file.ContentType))
        {
            var compressed = new Lazy<Representation>(() => new Representation(file.Bytes, "", null).Compressed(above: -1));
            foreach (var (encoding, suffix) in new[] { ("br", ".br"), ("gzip", ".gz") })
            {
                // An unchanged file keeps its siblings: compressing every page again would make an increment cost a full export.
                if (same && _previous.TryGetValue(file.File + suffix, out var oldSibling) && Exists(oldSibling))
                {
                    entries.Add(oldSibling);
                    Count(true);
                    continue;
                }
                // The page cache's own compression (smallest size): a sibling is what the dynamic server sends for that coding.
                var bytes = encoding == "br" ? compressed.Value.Brotli! : compressed.Value.Gzip!;
                var sibling = identity with
                {
                    Path = file.File + suffix, Url = null, Size = bytes.Length, Sha256 = ExportManifest.Sha256(bytes), Encoding = encoding, Version = null,
                };
                entries.Add(sibling);
                Count(_previous.TryGetValue(sibling.Path, out var before) && before.Sha256 == sibling.Sha256 && Exists(before)
                    || Store(sibling.Path, bytes));
            }
        }
        _saved[file.File] = [.. entries];
    }

    private void Count(bool wasUnchanged) => Interlocked.Increment(ref wasUnchanged ? ref _unchanged : ref _written);

    // /incidents/x → incidents/x/index.html; /history.atom → history.atom.
    public static Func<string, string> FileFor(string url) => type =>
    {
        var path = url.TrimStart('/');
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name.Contains('.', StringComparison.Ordinal))
        {
            return path;
        }
        var extension = type.Split(';')[0].Trim() switch
        {
            "text/html" => "html",
            "application/json" or "application/problem+json" => "json",
            "application/x-ndjson" => "ndjson",
            _ => "txt",
        };
        return (path.Length == 0 || path.EndsWith('/') ? path : path + "/") + "index." + extension;
    };

    // Site-local links of a page, without fragments; links with a query have no static twin (a static host ignores queries).
    private static IEnumerable<string> Links(Fetched page)
    {
        if (!page.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            yield break;
        }
        foreach (Match match in Link().Matches(Encoding.UTF8.GetString(page.Bytes)))
        {
            var link = WebUtility.HtmlDecode(match.Groups[1].Value).Split('#')[0];
            if (link.Length == 0 || !link.StartsWith('/') || link.StartsWith("//", StringComparison.Ordinal) || link.Contains('?', StringComparison.Ordinal)
                || link.StartsWith("/admin", StringComparison.Ordinal) || link.StartsWith("/lang/", StringComparison.Ordinal))
            {
                continue;
            }
            yield return link;
        }
    }

    // What a page stands for but does not link to: its RSS feed and badge, its proof.
    private static IEnumerable<string> Derived(string url)
    {
        var parts = url.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return [];
        }
        return parts[0] switch
        {
            "components" => [url + "/history.atom", url + "/history.rss", url + "/badge.svg"],
            "incidents" => [url + "/history.atom", url + "/history.rss", url + "/proof.json"],
            "maintenance" => [url + "/proof.json"],
            _ => [],
        };
    }

    private static readonly string[] SiblingSuffixes = [".br", ".gz"];

    // The kept files' entries, the checkpoints, the deletions of what this export no longer has, and the manifest.
    private Result Write(IReadOnlyList<string> skipped)
    {
        Directory.CreateDirectory(directory);
        foreach (var checkpoint in _checkpoints.OrderBy(f => f.File, StringComparer.Ordinal))
        {
            Save(checkpoint);
        }
        var saved = _saved.Values.SelectMany(e => e).ToList();
        // The previous manifest is this export's own reading of it (versions kept): only the parts of files fetched or gone
        // may differ; otherwise every part is compared when it is stored.
        var (current, gone, touched) = ReferenceEquals(_previous, _previousManifest?.Files) ? Carried(_previous, saved) : Whole(saved);
        var deleted = 0;
        foreach (var path in gone.Order(StringComparer.Ordinal).Select(Within))
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                deleted++;
                RemoveEmptyFolders(Path.GetDirectoryName(path)!);
            }
        }
        var manifestBytes = StoreManifest(current, touched);
        return new Result(_written, _unchanged, deleted, current.Count, current.Bytes, skipped, BytesWritten: _bytesWritten,
            ManifestBytes: manifestBytes);
    }

    // An increment: a part none of whose files was fetched, and all of whose pages were kept, is the previous part itself
    // (shared, not copied: at 100,000 ledger entries 230,000 files, of which a post touches a few dozen parts). A touched
    // part is rebuilt from its kept pages (with their .br/.gz siblings) and what was saved into it; what it held besides is gone.
    private (PartedFileDictionary Current, List<string> Gone, HashSet<int> Touched) Carried(PartedFileDictionary previous, List<ExportManifest.Entry> saved)
    {
        var savedByPart = saved.ToLookup(e => previous.PartOf(e.Path));
        var touched = new HashSet<int>(savedByPart.Select(g => g.Key));
        for (var number = 0; number < previous.PartCount; number++)
        {
            if (KeptIn(number).Count + UndecidedIn(number) != previous.BaseFilesOf(number))
            {
                touched.Add(number);
            }
            else if (!touched.Contains(number))
            {
                _unchanged += previous.Part(number).Count;
            }
        }
        var gone = new List<string>();
        var replaced = new Dictionary<int, Dictionary<string, ExportManifest.Entry>>();
        foreach (var number in touched)
        {
            var before = previous.Part(number);
            var files = new Dictionary<string, ExportManifest.Entry>(before.Count + 8, StringComparer.Ordinal);
            var kept = _candidatesOnly ? KeptIn(number).Concat(UndecidedPages(before)) : KeptIn(number);
            foreach (var entry in kept.SelectMany(page => WithSiblings(page, before)).Concat(savedByPart[number]))
            {
                files.Add(entry.Path, entry); // a file listed twice is a defect: it throws
            }
            gone.AddRange(before.Keys.Where(p => !files.ContainsKey(p)));
            replaced[number] = files;
        }
        return (previous.With(replaced), gone, touched);
    }

    // A part's previous pages not decided by an increment that decided candidates only: kept as they were.
    private int UndecidedIn(int number) => _candidatesOnly ? PagesOf(_previous.Part(number)) - _visitedByPart[number] : 0;

    private IEnumerable<ExportManifest.Entry> UndecidedPages(IReadOnlyDictionary<string, ExportManifest.Entry> part) =>
        part.Values.Where(e => IsPageFile(e) && !_visited.ContainsKey(e.Url!));

    // A kept page and the .br/.gz siblings the previous export listed for it, each counted unchanged.
    private IEnumerable<ExportManifest.Entry> WithSiblings(ExportManifest.Entry kept, IReadOnlyDictionary<string, ExportManifest.Entry> previous)
    {
        _unchanged++;
        yield return kept;
        foreach (var suffix in SiblingSuffixes)
        {
            if (previous.TryGetValue(kept.Path + suffix, out var sibling))
            {
                _unchanged++;
                yield return sibling;
            }
        }
    }

    // A first export, or one whose previous manifest was read for another renderer: every file listed anew.
    private (PartedFileDictionary Current, List<string> Gone, HashSet<int>? Touched) Whole(List<ExportManifest.Entry> saved)
    {
        var entries = new List<ExportManifest.Entry>(_previous.Count + saved.Count);
        entries.AddRange(_keptByPart.OfType<ConcurrentQueue<ExportManifest.Entry>>().SelectMany(q => q)
            .SelectMany(kept => WithSiblings(kept, _previous)));
        entries.AddRange(saved);
        var paths = new HashSet<string>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!paths.Add(entry.Path))
            {
                throw new InvalidOperationException($"{entry.Path} is listed twice"); // a defect, never a manifest with it
            }
        }
        // Grouped as the previous manifest was if the site's size allows it, so its parts can still be reused as they are.
        var current = PartedFileDictionary.From(entries, ExportManifest.SubpartsFor(entries.Count, _previous.Subparts));
        return (current, [.. _previous.Keys.Where(p => !paths.Contains(p))], null);
    }

    // A page the previous export wrote whose version has not moved, still whole on disk: kept without fetching it.
    private bool Keep(ExportManifest.Entry? before, string? version)
    {
        if (version is null || before is null || before.Version != version || !(_writtenHere || Exists(before)))
        {
            return false;
        }
        KeepEntry(before);
        return true;
    }

    private void KeepEntry(ExportManifest.Entry entry) =>
        LazyInitializer.EnsureInitialized(ref _keptByPart[_previous.PartOf(entry.Path)], () => new ConcurrentQueue<ExportManifest.Entry>()).Enqueue(entry);

    private ConcurrentQueue<ExportManifest.Entry> KeptIn(int number) => _keptByPart[number] ?? NoneKept;

    private static readonly ConcurrentQueue<ExportManifest.Entry> NoneKept = new(); // read only: KeepEntry makes a part's own

    private bool Exists(ExportManifest.Entry entry)
    {
        var info = new FileInfo(Within(entry.Path));
        return info.Exists && info.Length == entry.Size;
    }

    // Written beside, then moved over: a reader of the folder never sees half a file. Returns false (not unchanged). Pages are
    // stored as they are fetched, in parallel: two addresses of one file (/history and /history/) each get their own temporary.
    private bool Store(string relative, byte[] bytes)
    {
        var path = Within(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Interlocked.Increment(ref _temporaries)}.tmp";
        File.WriteAllBytes(temporary, bytes);
        Interlocked.Add(ref _bytesWritten, bytes.Length);
        File.Move(temporary, path, overwrite: true);
        return false;
    }

    // In parts (ExportManifest, version 2): only those whose entries changed since the previous manifest are written, and it is
    // remembered as written, so the automatic publish's upload and next export read it from memory.
    private long StoreManifest(PartedFileDictionary files, IReadOnlySet<int>? touched)
    {
        var written = ExportManifest.Store(Within(ManifestName), files, versions?.Renderer, _previousManifest, touched);
        Interlocked.Add(ref _bytesWritten, written);
        return written;
    }

    private string Within(string relative)
    {
        var root = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Combine(root, relative));
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new InvalidOperationException($"{relative} is outside the export folder");
    }

    private void RemoveEmptyFolders(string folder)
    {
        var root = Path.GetFullPath(directory);
        while (folder.Length > root.Length && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    public static bool IsText(string contentType)
    {
        var type = contentType.Split(';')[0].Trim();
        return type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("json", StringComparison.Ordinal)
            || type.EndsWith("xml", StringComparison.Ordinal) || type is "application/javascript" or "application/x-ndjson";
    }

    [GeneratedRegex("(?:href|src)=\"([^\"]+)\"")]
    private static partial Regex Link();
}
