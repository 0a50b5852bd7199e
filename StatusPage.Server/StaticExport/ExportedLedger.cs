using System.Text;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.StaticExport;

// The ledger of a published site (an export-site folder, or the URL of a host serving one or of the server itself), read the way
// any reader can: `ledger/checkpoint` gives the size, the NDJSON chunks (Transparency/TileLayout) the entries. Check then
// compares every hash tile and entry bundle with the tree recomputed from those entries, and the tree's root with the checkpoint's.
internal sealed class ExportedLedger
{
    private readonly Func<string, byte[]> _read;

    private ExportedLedger(string site, Func<string, byte[]> read) => (Site, _read) = (site, read);

    public string Site { get; }

    private const int MaxFileBytes = 64 * 1024 * 1024;
    private const long MaxEntries = 100_000_000;

    public static bool IsSite(string path) => IsUrl(path) || Directory.Exists(path);

    public static ExportedLedger For(string site)
    {
        if (!IsUrl(site))
        {
            return new ExportedLedger(site, path => File.ReadAllBytes(Path.Combine(site, SiteExporter.LedgerFile(path))));
        }
        // Bounded: a chunk is 256 entries, and a hostile site must not make the verifier hold more than that per answer.
        var client = new HttpClient
        {
            BaseAddress = new Uri(site.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
            MaxResponseContentBufferSize = MaxFileBytes,
        };
        return new ExportedLedger(site, path =>
        {
            try
            {
                return client.GetByteArrayAsync(new Uri(SiteExporter.LedgerFile(path), UriKind.Relative)).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new IOException($"{path}: {e.Message}", e);
            }
        });
    }

    // The checkpoint the site serves (unverified: `verify --checkpoint` checks a signature) and the entries it covers.
    public (Checkpoint Checkpoint, List<LedgerEntry> Entries) Read()
    {
        var checkpoint = ReadCheckpoint();
        var entries = new List<LedgerEntry>();
        foreach (var chunk in TileLayout.For(checkpoint.Size).Where(t => t.Kind == TileLayout.Kind.Ndjson))
        {
            var lines = Encoding.UTF8.GetString(_read(chunk.Path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != chunk.Count)
            {
                throw new IOException($"ledger/{chunk.Path} holds {lines.Length} entries, not {chunk.Count}");
            }
            entries.AddRange(lines.Select(line => LedgerLine.Parse(line).ToEntry()));
        }
        return (checkpoint, entries);
    }

    public Checkpoint ReadCheckpoint()
    {
        var note = Encoding.UTF8.GetString(_read("checkpoint"));
        var checkpoint = SignedCheckpoint.ReadUnverified(note) ?? throw new IOException("ledger/checkpoint is not a checkpoint");
        // The size is the site's word, not yet checked: bounded before it decides how much is fetched and held.
        return checkpoint.Size <= MaxEntries ? checkpoint
            : throw new IOException($"ledger/checkpoint states {checkpoint.Size} entries, more than this verifier reads ({MaxEntries})");
    }

    // Null when every tile and bundle the checkpoint's size calls for has the bytes the entries give, and the root matches.
    public string? Check(Checkpoint checkpoint, IReadOnlyList<LedgerEntry> entries)
    {
        var tree = new MerkleTree();
        foreach (var entry in entries)
        {
            tree.Append(Convert.FromHexString(entry.Hash));
        }
        if (tree.Size != checkpoint.Size || !tree.Root(tree.Size).AsSpan().SequenceEqual(checkpoint.Root))
        {
            return $"the entries' root at size {tree.Size} is not the root ledger/checkpoint signs for size {checkpoint.Size}";
        }
        foreach (var tile in TileLayout.For(checkpoint.Size).Where(t => t.Kind != TileLayout.Kind.Ndjson))
        {
            var expected = tile.Kind == TileLayout.Kind.Hashes ? tree.TileHashes(tile.Level, tile.Start, tile.Count)
                : TileLayout.Bundle(entries.Skip((int)tile.Start).Take(tile.Count));
            if (!_read(tile.Path).AsSpan().SequenceEqual(expected))
            {
                return $"ledger/{tile.Path} does not hold what the entries give";
            }
        }
        return null;
    }

    private static bool IsUrl(string path) =>
        path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
