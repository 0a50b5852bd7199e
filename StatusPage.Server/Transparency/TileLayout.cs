using System.Globalization;
using System.Text;
using StatusPage.Server.Ledger;
using System.Text.RegularExpressions;

namespace StatusPage.Server.Transparency;

// The C2SP tlog-tiles paths of the log (docs/LEDGER.md §6.1), relative to its prefix `/ledger/`: hash tiles `tile/<L>/<N>`,
// entry bundles `tile/entries/<N>`, and our NDJSON chunks `ndjson/<N>.ndjson` (the same 256 entries as the bundle, as the
// ledger API writes them); a partial one ends in `.p/<W>` (before `.ndjson` for a chunk). <N> is zero-padded 3-digit path
// elements, all but the last starting with `x` (1234067 → x001/x234/067). The same paths on the server and in the export.
internal static partial class TileLayout
{
    public const int Width = 256;

    // Under the site's root: with the default origin (<host>/ledger, docs/LEDGER.md §5) the prefix is the origin, as tlog-tiles asks.
    public const string Prefix = "/ledger/";

    public enum Kind { Hashes, Entries, Ndjson }

    public readonly record struct Tile(Kind Kind, int Level, long Index, int Count)
    {
        public bool IsFull => Count == Width;

        // The first leaf it covers (level 0 and entries/ndjson: the first entry's index, seq − 1).
        public long Start => Index * Width;

        public string Path => Kind switch
        {
            Kind.Hashes => $"tile/{Level.ToString(CultureInfo.InvariantCulture)}/{Encode(Index)}{Partial}",
            Kind.Entries => $"tile/entries/{Encode(Index)}{Partial}",
            _ => $"ndjson/{Encode(Index)}{Partial}.ndjson",
        };

        private string Partial => IsFull ? "" : ".p/" + Count.ToString(CultureInfo.InvariantCulture);
    }

    // tlog-tiles entry bundle: each entry as a big-endian uint16 length and its bytes; our log's entry is the 32-byte entry hash.
    public static byte[] Bundle(IEnumerable<LedgerEntry> entries)
    {
        using var bundle = new MemoryStream();
        foreach (var entry in entries)
        {
            bundle.Write([0, MerkleTree.HashSize]);
            bundle.Write(Convert.FromHexString(entry.Hash));
        }
        return bundle.ToArray();
    }

    // The entries as the ledger API writes them: one JSON line each.
    public static byte[] Lines(IEnumerable<LedgerEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(LedgerLine.From(entry).ToJson()).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // 1234067 → x001/x234/067.
    public static string Encode(long index)
    {
        var parts = new List<string>();
        do
        {
            parts.Add((index % 1000).ToString("000", CultureInfo.InvariantCulture));
            index /= 1000;
        }
        while (index > 0);
        parts.Reverse();
        return string.Join("/", parts.Select((p, i) => i < parts.Count - 1 ? "x" + p : p));
    }

    // Every tile, bundle and chunk of the tree of this size: full ones, then the partial one of each level (tlog-tiles: a level's
    // partial tile has floor(size / 256^L) mod 256 hashes; empty ones do not exist).
    public static IEnumerable<Tile> For(long size)
    {
        for (var level = 0; level < 8 && (size >> (8 * level)) > 0; level++)
        {
            var count = size >> (8 * level);
            var kinds = level == 0 ? new[] { Kind.Hashes, Kind.Entries, Kind.Ndjson } : [Kind.Hashes];
            foreach (var kind in kinds)
            {
                for (var index = 0L; index < count / Width; index++)
                {
                    yield return new Tile(kind, level, index, Width);
                }
                if (count % Width > 0)
                {
                    yield return new Tile(kind, level, count / Width, (int)(count % Width));
                }
            }
        }
    }

    // A path under the prefix → the tile it names, or null (malformed: leading zeros, a width of 0 or 256, an unknown kind).
    public static Tile? Parse(string path)
    {
        var match = TilePath().Match(path);
        if (!match.Success)
        {
            return null;
        }
        var kind = match.Groups["ndjson"].Success ? Kind.Ndjson : match.Groups["level"].Value == "entries" ? Kind.Entries : Kind.Hashes;
        if (kind == Kind.Ndjson != match.Groups["ext"].Success)
        {
            return null;
        }
        var level = kind == Kind.Hashes ? int.Parse(match.Groups["level"].Value, CultureInfo.InvariantCulture) : 0;
        var index = 0L;
        var elements = match.Groups["index"].Value.Split('/');
        for (var i = 0; i < elements.Length; i++)
        {
            var element = elements[i];
            if ((i < elements.Length - 1) != element.StartsWith('x'))
            {
                return null;
            }
            index = index * 1000 + int.Parse(element.TrimStart('x'), CultureInfo.InvariantCulture);
            // Beyond any log (2^40 tiles of 256): refused before the index or its first leaf could overflow.
            if (index > MaxIndex)
            {
                return null;
            }
        }
        var count = match.Groups["width"].Success ? int.Parse(match.Groups["width"].Value, CultureInfo.InvariantCulture) : Width;
        if (level > 63 || count is < 1 or > Width || (match.Groups["width"].Success && count == Width))
        {
            return null;
        }
        var tile = new Tile(kind, level, index, count);
        // One path per tile: x000/005 would name tile 5 too (tlog-tiles' index elements have no leading zero groups).
        return tile.Path == path ? tile : null;
    }

    private const long MaxIndex = 1L << 40;

    [GeneratedRegex(@"^(?:tile/(?<level>entries|0|[1-9][0-9]?)|(?<ndjson>ndjson))/(?<index>(?:x[0-9]{3}/){0,6}[0-9]{3})(?:\.p/(?<width>[1-9][0-9]{0,2}))?(?<ext>\.ndjson)?$")]
    private static partial Regex TilePath();
}
