using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Net.Http.Headers;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Feeds;

// Feeds, calendar, badges and the v2 API answer HEAD as well as GET (link checkers and feed validators use HEAD).
public static class ReadMethods
{
    public static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
}

// A representation rendered once per ledger head: the bytes, their type, and when what they show last changed.
public sealed record RenderedBody(byte[] Bytes, string ContentType, DateTimeOffset? LastModified)
{
    private const int CompressAbove = 1024;

    public byte[]? Brotli { get; private init; }

    public byte[]? Gzip { get; private init; }

    // Compressed once when cached, never per request (DESIGN.md budgets).
    public RenderedBody Compressed() => Bytes.Length <= CompressAbove || Brotli is not null
        ? this
        : this with { Brotli = Compress(Bytes, brotli: true), Gzip = Compress(Bytes, brotli: false) };

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

// Renders each representation (feed, JSON, calendar, badge) once per ledger head; a new head drops everything older.
public sealed class HeadCache
{
    private const int MaxEntriesPerHead = 4096;

    private Generation _current = new(LedgerHead.Empty, new ConcurrentDictionary<string, RenderedBody>(StringComparer.Ordinal));

    public RenderedBody GetOrRender(StatusSnapshot snapshot, string key, Func<StatusSnapshot, RenderedBody> render)
    {
        var generation = Volatile.Read(ref _current);
        if (generation.Head != snapshot.Head)
        {
            var fresh = new Generation(snapshot.Head, new ConcurrentDictionary<string, RenderedBody>(StringComparer.Ordinal));
            generation = Interlocked.CompareExchange(ref _current, fresh, generation) == generation ? fresh : Volatile.Read(ref _current);
        }
        if (generation.Head != snapshot.Head)
        {
            return render(snapshot);
        }
        if (generation.Bodies.TryGetValue(key, out var body))
        {
            return body;
        }
        body = render(snapshot).Compressed();
        // Bounded: keys come from URLs (component and incident ids), and only known ids reach here.
        if (generation.Bodies.Count < MaxEntriesPerHead)
        {
            generation.Bodies.TryAdd(key, body);
        }
        return body;
    }

    private sealed record Generation(LedgerHead Head, ConcurrentDictionary<string, RenderedBody> Bodies);
}

// Writes a rendered body with ETag (the ledger head), Last-Modified and Cache-Control, or 304 when the client's copy is current.
public sealed class CachedResult(RenderedBody body, string etag, TimeSpan maxAge, bool openCors = false) : IResult
{
    public RenderedBody Body => body;

    public string ETag => etag;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var request = httpContext.Request;
        var response = httpContext.Response;
        var (bytes, coding) = Negotiate(request);
        // Each content coding is its own representation, so its own strong validator.
        response.Headers.ETag = coding is null ? etag : etag.Insert(etag.Length - 1, "-" + coding);
        if (body.Brotli is not null)
        {
            response.Headers.Vary = "Accept-Encoding";
        }
        response.Headers.CacheControl = $"public, max-age={(int)maxAge.TotalSeconds}";
        if (openCors)
        {
            response.Headers.AccessControlAllowOrigin = "*";
        }
        if (body.LastModified is { } modified)
        {
            response.Headers.LastModified = modified.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }
        if (IsNotModified(request))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = body.ContentType;
        if (coding is not null)
        {
            response.Headers.ContentEncoding = coding;
        }
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }

    private (byte[] Bytes, string? Coding) Negotiate(HttpRequest request)
    {
        if (body.Brotli is null || body.Gzip is null
            || !StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var accepted))
        {
            return (body.Bytes, null);
        }
        var br = Quality(accepted, "br");
        var gzip = Quality(accepted, "gzip");
        return br > 0 && br >= gzip ? (body.Brotli, "br") : gzip > 0 ? (body.Gzip, "gzip") : (body.Bytes, null);
    }

    private static double Quality(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        var match = accepted.FirstOrDefault(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            ?? accepted.FirstOrDefault(a => a.Value.Equals("*", StringComparison.Ordinal));
        return match is null ? 0 : match.Quality ?? 1;
    }

    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); weak comparison, as for GET.
    private bool IsNotModified(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
            {
                return false;
            }
            // A client may hold any coding of this head's representation; all of them are current.
            var ours = new[] { etag, etag.Insert(etag.Length - 1, "-br"), etag.Insert(etag.Length - 1, "-gzip") }
                .Select(t => new EntityTagHeaderValue(t)).ToList();
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || ours.Any(o => t.Compare(o, useStrongComparison: false)));
        }
        if (body.LastModified is { } modified
            && DateTimeOffset.TryParseExact(request.Headers.IfModifiedSince.ToString(), "R", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var since))
        {
            return TruncateToSeconds(modified) <= since;
        }
        return false;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
