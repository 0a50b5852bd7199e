using System.Security.Cryptography;
using System.Text.Json;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Ledger;
using StatusPage.Server.StaticExport;

namespace StatusPage.Server.Publishing;

// Uploads an export folder (its manifest.json says what it holds) to a bucket: one object per path, a text file's object holding
// its compressed sibling with Content-Encoding; only what differs from the bucket, in PublishPlan's order; the bucket's manifest
// last; then deletions. A publish stopped anywhere leaves the previous manifest, so the next one redoes what is missing.
internal sealed class SitePublisher(BucketClient bucket, PublishOptions options)
{
    public sealed record Result(int Uploaded, int Unchanged, int Deleted, int Objects, long BytesUploaded, LedgerHead? Head);

    private readonly string _prefix = NormalisedPrefix(options.Prefix);

    public string ManifestKey => _prefix + PublishManifest.Key;

    public async Task<Result> PublishAsync(string exportDirectory, CancellationToken token = default)
    {
        var exported = ExportManifest.Load(Path.Combine(exportDirectory, SiteExporter.ManifestName))
            ?? throw new PublishException($"{exportDirectory} holds no {SiteExporter.ManifestName}: export the site there first (export-site DIR)");
        var wanted = Wanted(exported.Files);
        var listing = await bucket.ListAsync(_prefix, token);
        var stored = PublishManifest.Read(listing.ContainsKey(ManifestKey) ? await bucket.GetAsync(ManifestKey, token) : null);
        var plan = PublishPlan.Make(wanted, listing, stored, ManifestKey);

        var etags = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var phase in plan.Phases)
        {
            // A phase is complete before the next starts: pages go up only once what they link to is there.
            await Parallel.ForEachAsync(phase, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ParallelUploads), CancellationToken = token },
                async (p, t) =>
                {
                    var body = await ReadChecked(exportDirectory, p, t);
                    etags[p.Key] = await bucket.PutAsync(p.Key, body, p.ContentType, p.ContentEncoding, p.CacheControl, p.Sha256, t);
                    Interlocked.Add(ref bytes, body.Length);
                });
        }
        var head = HeadOf(exportDirectory);
        var records = wanted.Select(p => new PublishManifest.Stored(p.Key, p.Sha256,
            etags.TryGetValue(p.Key, out var etag) ? etag : stored[p.Key].ETag, p.Size, p.ContentType, p.ContentEncoding, p.CacheControl));
        var manifest = PublishManifest.Write(records, head);
        await bucket.PutAsync(ManifestKey, manifest, "application/json; charset=utf-8", null, CacheClass.Page.CacheControl.ToString(),
            Convert.ToHexStringLower(SHA256.HashData(manifest)), token);
        await bucket.DeleteAsync(plan.Deletions, token);
        return new Result(plan.Uploads, plan.Unchanged.Count, plan.Deletions.Count, wanted.Count, bytes, head);
    }

    // One object per exported path (the .br/.gz siblings are not objects of their own): a text file's body is its sibling in the
    // configured coding, sent with Content-Encoding, since a bucket cannot choose a coding per request.
    public IReadOnlyList<PublishPlan.Planned> Wanted(IReadOnlyDictionary<string, ExportManifest.Entry> files)
    {
        var (coding, suffix) = options.Encoding.ToLowerInvariant() switch
        {
            "gzip" => ("gzip", ".gz"),
            "br" => ("br", ".br"),
            "identity" => (null, null),
            _ => throw new PublishException($"{PublishOptions.Section}:Encoding must be gzip, br or identity, not '{options.Encoding}'"),
        };
        var planned = new List<PublishPlan.Planned>();
        foreach (var file in files.Values.Where(f => f.Encoding is null).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var body = suffix is not null && files.TryGetValue(file.Path + suffix, out var sibling) && sibling.Encoding == coding ? sibling : file;
            planned.Add(new PublishPlan.Planned(_prefix + file.Path, body.Path, body.Sha256, body.Size, file.ContentType, body.Encoding,
                CacheControlFor(file.Cache)));
        }
        return planned;
    }

    // The export's cache classes: immutable (fingerprinted assets, historical tiles) for a year; anything else as the dynamic pages.
    public static string CacheControlFor(string cacheClass) =>
        (cacheClass == "immutable" ? CacheClass.Immutable : CacheClass.Page).CacheControl.ToString();

    // The body must still be the one the manifest names: an export rewritten meanwhile is not published half old, half new.
    private static async Task<byte[]> ReadChecked(string directory, PublishPlan.Planned p, CancellationToken token)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(directory, p.File), token);
        return Convert.ToHexStringLower(SHA256.HashData(body)) == p.Sha256
            ? body
            : throw new PublishException($"{p.File} no longer matches {SiteExporter.ManifestName} (was the folder exported again meanwhile?)");
    }

    // The exported /api/v1/ledger/head, recorded in the bucket's manifest.
    private static LedgerHead? HeadOf(string directory)
    {
        var path = Path.Combine(directory, "api", "v1", "ledger", "head", "index.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return new LedgerHead(document.RootElement.GetProperty("seq").GetInt64(), document.RootElement.GetProperty("hash").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string NormalisedPrefix(string prefix)
    {
        var trimmed = prefix.Trim().Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }
}
