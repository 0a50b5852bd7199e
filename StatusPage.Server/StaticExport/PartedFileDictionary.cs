using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StatusPage.Server.StaticExport;

// A manifest's files held as its parts hold them (ExportManifest.PartOf: Subparts parts in each of the 256 groups): one
// dictionary per part, so an increment builds new dictionaries for the parts it touched and shares every other one with the
// previous manifest, instead of copying 230,000 entries at 100,000 ledger entries. Read like one dictionary by path (a lookup
// finds its part from the path).
public sealed class PartedFileDictionary : IReadOnlyDictionary<string, ExportManifest.Entry>
{
    private static readonly Dictionary<string, ExportManifest.Entry> None = new(StringComparer.Ordinal);

    private readonly IReadOnlyDictionary<string, ExportManifest.Entry>[] _parts;
    private readonly int[] _baseFiles;
    private readonly long[] _bytes;

    private PartedFileDictionary(int subparts, IReadOnlyDictionary<string, ExportManifest.Entry>[] parts, int[] baseFiles, long[] bytes)
    {
        Subparts = subparts;
        _parts = parts;
        _baseFiles = baseFiles;
        _bytes = bytes;
        Count = parts.Sum(p => p.Count);
        Bytes = bytes.Sum();
    }

    // Grouped by part, `subparts` per group (0: as many as their count calls for, ExportManifest.SubpartsFor). A later entry of
    // one path replaces an earlier one, as a manifest read into a dictionary does.
    public static PartedFileDictionary From(IEnumerable<ExportManifest.Entry> entries, int subparts = 0)
    {
        if (subparts == 0)
        {
            var list = entries as IReadOnlyCollection<ExportManifest.Entry> ?? [.. entries];
            (entries, subparts) = (list, ExportManifest.SubpartsFor(list.Count, 0));
        }
        var parts = new Dictionary<string, ExportManifest.Entry>?[ExportManifest.GroupCount * subparts];
        foreach (var entry in entries)
        {
            (parts[ExportManifest.PartOf(entry.Path, subparts)] ??= new(StringComparer.Ordinal))[entry.Path] = entry;
        }
        return new PartedFileDictionary(subparts, [.. parts.Select(p => (IReadOnlyDictionary<string, ExportManifest.Entry>?)p ?? None)],
            [.. parts.Select(p => p is null ? 0 : BaseFiles(p.Values))], [.. parts.Select(p => p is null ? 0 : p.Values.Sum(e => e.Size))]);
    }

    // These files with the given parts' entries replaced (the others shared, not copied).
    public PartedFileDictionary With(IReadOnlyDictionary<int, Dictionary<string, ExportManifest.Entry>> replaced)
    {
        var parts = (IReadOnlyDictionary<string, ExportManifest.Entry>[])_parts.Clone();
        var baseFiles = (int[])_baseFiles.Clone();
        var bytes = (long[])_bytes.Clone();
        foreach (var (number, files) in replaced)
        {
            parts[number] = files.Count == 0 ? None : files;
            baseFiles[number] = BaseFiles(files.Values);
            bytes[number] = files.Values.Sum(e => e.Size);
        }
        return new PartedFileDictionary(Subparts, parts, baseFiles, bytes);
    }

    // How many parts each of the manifest's groups holds, and so how many parts there are.
    public int Subparts { get; }

    public int PartCount => _parts.Length;

    // The part that lists (or would list) a file.
    public int PartOf(string path) => ExportManifest.PartOf(path, Subparts);

    public IReadOnlyDictionary<string, ExportManifest.Entry> Part(int number) => _parts[number];

    public static readonly PartedFileDictionary Empty = From([], 1);

    // A part's files that have an address and are not a compressed sibling (pages, feeds, JSON...), by address. Built once per
    // part: an increment shares every untouched part with the previous manifest, and so its index (at 100,000 ledger entries
    // 77,000 addresses, which an increment used to index again after every post).
    public IReadOnlyDictionary<string, ExportManifest.Entry> AddressesOf(int number) =>
        AddressesByPart.GetValue(_parts[number], static part => part.Values.Where(e => e.Url is not null && e.Encoding is null)
            .ToDictionary(e => e.Url!, StringComparer.Ordinal));

    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, ExportManifest.Entry>, IReadOnlyDictionary<string, ExportManifest.Entry>>
        AddressesByPart = [];

    // The file fetched from `url`, if any: its part is the one of any file the address can be saved as (SiteExporter.FileFor),
    // since a part is chosen by the folders that own a file, never by its name.
    public ExportManifest.Entry? AtAddress(string url)
    {
        var file = SiteExporter.FileFor(url)("text/html");
        return AddressesOf(PartOf(file)).GetValueOrDefault(url);
    }

    // How many files of a part are not a compressed sibling (.br, .gz) of another: pages, feeds, JSON, tiles...
    public int BaseFilesOf(int number) => _baseFiles[number];

    private static int BaseFiles(IEnumerable<ExportManifest.Entry> entries) => entries.Count(e => e.Encoding is null);

    public int Count { get; }

    // The files' sizes added up.
    public long Bytes { get; }

    public ExportManifest.Entry this[string key] => TryGetValue(key, out var entry) ? entry : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => _parts.SelectMany(p => p.Keys);

    public IEnumerable<ExportManifest.Entry> Values => _parts.SelectMany(p => p.Values);

    public bool ContainsKey(string key) => _parts[PartOf(key)].ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ExportManifest.Entry value) =>
        _parts[PartOf(key)].TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, ExportManifest.Entry>> GetEnumerator() => _parts.SelectMany(p => p).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
