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
public sealed record Representation(byte[] Identity, string ContentType, DateTimeOffset? LastModified, int StatusCode = StatusCodes.Status200OK)
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

    private static byte[] Compress(byte[] bytes, bool brotli)
    {
        using var output = new MemoryStream();
        using (Stream stream = brotli
                   ? new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true)
                   : new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            stream.Write(bytes);
        }
        return output.ToArray();
    }
}
