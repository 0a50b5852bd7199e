using System.IO.Compression;
using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.HttpCache;

// The content codings this server stores a representation in.
public enum ContentCoding
{
    Identity,
    Brotli,
    Gzip,
}

// One representation, compressed once when cached and never per request: its bytes per content coding, its type, its status
// (a cached not-found page is a 404) and when what it shows last changed.
internal sealed record Representation(byte[] Identity, string ContentType, DateTimeOffset? LastModified, int StatusCode = StatusCodes.Status200OK)
{
    // Below this, compression saves less than the Content-Encoding and Vary headers cost.
    public const int CompressAbove = 1024;

    // Formatted once: a hit allocates nothing.
    public StringValues LastModifiedHeader { get; } = LastModified is { } modified ? RepresentationWriter.HttpDate(modified) : default;

    public byte[]? Brotli { get; private init; }

    public byte[]? Gzip { get; private init; }

    public bool IsCompressed => Brotli is not null && Gzip is not null;

    public Representation Compressed(int above = CompressAbove) => Identity.Length <= above || IsCompressed
        ? this
        : this with { Brotli = Compress(Identity, brotli: true), Gzip = Compress(Identity, brotli: false) };

    public byte[] BytesFor(ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => Brotli ?? Identity,
        ContentCoding.Gzip => Gzip ?? Identity,
        _ => Identity,
    };

    // Brotli quality 6, not 11: a representation lives one ledger head, and every post recompresses the pages read after it.
    // Measured on the 66 KB home page (issue 15): quality 11 took 41 ms of CPU for 2,883 bytes, quality 6 0.3 ms for 3,273 bytes;
    // on a 2-core machine those 41 ms per page per post were taken from the readers (p99 under writes, bench/crisis.sh).
    private const int BrotliQuality = 6;
    private const int BrotliWindow = 22;

    private static byte[] Compress(byte[] bytes, bool brotli)
    {
        if (brotli)
        {
            using var encoder = new BrotliEncoder(BrotliQuality, BrotliWindow);
            var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
            var status = encoder.Compress(bytes, buffer, out _, out var written, isFinalBlock: true);
            if (status != System.Buffers.OperationStatus.Done)
            {
                throw new InvalidOperationException($"Brotli compression stopped: {status}");
            }
            return buffer.AsSpan(0, written).ToArray();
        }
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }
}
