using System.Text;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.TransparencyApi;

// The log as C2SP tlog-tiles under /ledger/ (docs/LEDGER.md §6.1): the latest checkpoint, hash tiles, entry bundles, and the
// entries as NDJSON chunks of 256. Only what the latest checkpoint covers is served. Full hash tiles and bundles never change
// (immutable); partial ones, the checkpoint and NDJSON chunks (a redaction erases a body in an old chunk) are kept briefly.
// The static export writes the same bytes at the same paths.
internal static class TileEndpoints
{
    private const string Octets = "application/octet-stream";
    private const string Ndjson = "application/x-ndjson; charset=utf-8";

    public static IEndpointRouteBuilder MapTiles(this IEndpointRouteBuilder app)
    {
        var tiles = app.MapGroup(TileLayout.Prefix.TrimEnd('/')).WithTags("Transparency log");
        tiles.MapMethods("/checkpoint", ReadMethods.GetAndHead, GetCheckpoint);
        tiles.MapMethods("/tile/{**path}", ReadMethods.GetAndHead, (string path, TransparencyLog log, LedgerStore store) => Get("tile/" + path, log, store));
        tiles.MapMethods("/ndjson/{**path}", ReadMethods.GetAndHead, (string path, TransparencyLog log, LedgerStore store) => Get("ndjson/" + path, log, store));
        return app;
    }

    private static IResult GetCheckpoint(TransparencyLog log) => log.Latest is { } latest
        ? new TileResult(new Representation(Encoding.UTF8.GetBytes(latest.Note), "text/plain; charset=utf-8", null), $"cp-{latest.Size}", CacheClass.Page)
        : TypedResults.NotFound();

    private static IResult Get(string path, TransparencyLog log, LedgerStore store)
    {
        var size = log.Latest?.Size ?? 0;
        if (TileLayout.Parse(path) is not { } tile || tile.Level > 7 || tile.Start + tile.Count > size >> (8 * tile.Level))
        {
            return TypedResults.NotFound();
        }
        var cache = tile.IsFull && tile.Kind != TileLayout.Kind.Ndjson ? CacheClass.Immutable : CacheClass.Page;
        var tag = tile.Path.Replace('/', '-');
        return tile.Kind switch
        {
            TileLayout.Kind.Hashes => new TileResult(new Representation(log.Tree.TileHashes(tile.Level, tile.Start, tile.Count), Octets, null), tag, cache),
            TileLayout.Kind.Entries => new TileResult(new Representation(TileLayout.Bundle(Entries(store, tile)), Octets, null), tag, cache),
            // A chunk's bytes change only when a redaction erases one of its bodies: its ETag is its content's hash.
            _ => Chunk(Entries(store, tile), cache),
        };
    }

    private static List<LedgerEntry> Entries(LedgerStore store, TileLayout.Tile tile) => [.. store.ReadAll(tile.Start).Take(tile.Count)];

    private static TileResult Chunk(List<LedgerEntry> entries, CacheClass cache)
    {
        var bytes = TileLayout.Lines(entries);
        var tag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..32];
        return new TileResult(new Representation(bytes, Ndjson, null).Compressed(), tag, cache);
    }

    private sealed class TileResult(Representation body, string etag, CacheClass cache) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            RepresentationWriter.WriteAsync(httpContext, body, EntityTag.Strong($"\"{etag}\""), cache, openCors: true);
    }
}
