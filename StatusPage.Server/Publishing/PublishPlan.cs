using StatusPage.Server.StaticExport;

namespace StatusPage.Server.Publishing;

// What one publish does, in an order that never shows a reader a link to a missing object: new objects first (nothing links
// to them yet), then changed files that pages use (feeds, JSON, proofs, assets), then changed pages, the home pages last; the
// bucket's manifest after all of them; deletions after the manifest. Decided from the export and the bucket alone.
internal static class PublishPlan
{
    // One object as it should be stored: its key, the export file holding its body, and the headers it is served with.
    public sealed record Planned(string Key, string File, string Sha256, long Size, string ContentType, string? ContentEncoding,
        string CacheControl);

    public sealed record Plan(IReadOnlyList<IReadOnlyList<Planned>> Phases, IReadOnlyList<Planned> Unchanged, IReadOnlyList<string> Deletions)
    {
        public int Uploads => Phases.Sum(p => p.Count);
    }

    // listing: every key the bucket holds under the prefix with its ETag; stored: the bucket's manifest of the last complete publish.
    public static Plan Make(IReadOnlyList<Planned> wanted, IReadOnlyDictionary<string, string> listing,
        IReadOnlyDictionary<string, PublishManifest.Stored> stored, string manifestKey)
    {
        var unchanged = wanted.Where(p => IsStored(p, listing, stored)).ToList();
        var changed = wanted.Except(unchanged).ToList();
        var created = changed.Where(p => !listing.ContainsKey(p.Key)).ToList();
        var replaced = changed.Except(created).ToList();
        var pages = replaced.Where(p => IsPage(p.ContentType)).ToList();
        var homes = pages.Where(p => IsHome(ExportedPath(p))).ToList();
        var phases = new List<IReadOnlyList<Planned>>
        {
            created,
            replaced.Except(pages).ToList(),
            pages.Except(homes).ToList(),
            homes,
        };
        var keep = wanted.Select(p => p.Key).Append(manifestKey).ToHashSet(StringComparer.Ordinal);
        var deletions = listing.Keys.Where(k => !keep.Contains(k)).Order(StringComparer.Ordinal).ToList();
        return new Plan([.. phases.Where(p => p.Count > 0)], unchanged, deletions);
    }

    // Unchanged only when the last complete publish stored these bytes with these headers and the bucket still holds that very
    // object (same ETag): an object a killed publish overwrote afterwards has another ETag and is uploaded again.
    private static bool IsStored(Planned p, IReadOnlyDictionary<string, string> listing, IReadOnlyDictionary<string, PublishManifest.Stored> stored) =>
        stored.TryGetValue(p.Key, out var s) && listing.TryGetValue(p.Key, out var etag) && etag == s.ETag
        && s.Sha256 == p.Sha256 && s.ContentType == p.ContentType && s.ContentEncoding == p.ContentEncoding && s.CacheControl == p.CacheControl;

    private static bool IsPage(string contentType) => contentType.StartsWith("text/html", StringComparison.Ordinal);

    // The exported file the object stands for: its body may be that file's .gz or .br sibling.
    private static string ExportedPath(Planned p) => p.ContentEncoding is null ? p.File : p.File[..p.File.LastIndexOf('.')];

    // index.html and a language's fr/index.html: the entry points, replaced after every page they lead to.
    private static bool IsHome(string file) =>
        file == "index.html" || LanguagePaths.Prefixed.Any(c => file == LanguagePaths.Prefix(c).TrimStart('/') + "/index.html");
}
