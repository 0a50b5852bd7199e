using System.Text;
using StatusPage.Server.History;
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
        tiles.MapMethods("/tile/{**path}", ReadMethods.GetAndHead,
            (string path, TransparencyLog log, LedgerService ledger, LedgerStore store, HeadCache cache) => Get("tile/" + path, log, ledger, store, cache));
        tiles.MapMethods("/ndjson/{**path}", ReadMethods.GetAndHead,
            (string path, TransparencyLog log, LedgerService ledger, LedgerStore store, HeadCache cache) => Get("ndjson/" + path, log, ledger, store, cache));
        return app;
    }

    private static IResult GetCheckpoint(TransparencyLog log) => log.Latest is { } latest
        ? new TileResult(new Representation(Encoding.UTF8.GetBytes(latest.Note), "text/plain; charset=utf-8", null), $"cp-{latest.Size}", CacheClass.Page)
        : TypedResults.NotFound();

    private static IResult Get(string path, TransparencyLog log, LedgerService ledger, LedgerStore store, HeadCache cache)
    {
        var snapshot = ledger.Current;
        // Never past what is served as verified: after a failed background verification the tree and the read model are cut
        // back to the verified prefix while the latest checkpoint still names the larger size.
        var size = Math.Min(log.Latest?.Size ?? 0, Math.Min(log.Tree.Size, snapshot.Head.Seq));
        if (TileLayout.Parse(path) is not { } tile || tile.Level > 7 || tile.Start + tile.Count > size >> (8 * tile.Level))
        {
            return TypedResults.NotFound();
        }
        var cacheClass = tile.IsFull && tile.Kind != TileLayout.Kind.Ndjson ? CacheClass.Immutable : CacheClass.Page;
        // The partial chunk is what every reader following the head fetches, and the costliest (256 entries read, serialized and
        // compressed): rendered once per head. Full ones are immutable or revalidated by their ETag, and caching them all would
        // hold the ledger in memory; hash tiles and bundles are a copy and a short read, and stay uncompressed (binary).
        var body = !tile.IsFull && tile.Kind == TileLayout.Kind.Ndjson
            ? cache.GetOrRender(snapshot, "ledger/" + tile.Path, _ => Render(tile, log, store))
            : Render(tile, log, store);
        var tag = tile.Kind == TileLayout.Kind.Ndjson
            // A chunk's bytes change only when a redaction erases one of its bodies: its ETag is its content's hash.
            ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.Identity))[..32]
            : tile.Path.Replace('/', '-');
        return new TileResult(body, tag, cacheClass);
    }

    private static Representation Render(TileLayout.Tile tile, TransparencyLog log, LedgerStore store) => tile.Kind switch
    {
        TileLayout.Kind.Hashes => new Representation(log.Tree.TileHashes(tile.Level, tile.Start, tile.Count), Octets, null),
        TileLayout.Kind.Entries => new Representation(TileLayout.Bundle(Entries(store, tile)), Octets, null),
        _ => new Representation(TileLayout.Lines(Entries(store, tile)), Ndjson, null).Compressed(),
    };

    private static List<LedgerEntry> Entries(LedgerStore store, TileLayout.Tile tile) => [.. store.ReadAll(tile.Start).Take(tile.Count)];

    private sealed class TileResult(Representation body, string etag, CacheClass cache) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            RepresentationWriter.WriteAsync(httpContext, body, EntityTag.Strong($"\"{etag}\""), cache, openCors: true);
    }
}
