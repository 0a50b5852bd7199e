using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Net.Http.Headers;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.PublicSite;

// A rendered page, compressed once: served as bytes until the ledger head (or the day, or the language) changes.
public sealed record CachedPage(int StatusCode, string ContentType, byte[] Identity, byte[] Brotli, byte[] Gzip);

// Renders each public page once per ledger head and language, then serves pre-compressed bytes (DESIGN.md budgets).
public sealed class PageCacheMiddleware(RequestDelegate next, LedgerService ledger, TimeProvider time)
{
    private const int MaxEntries = 2_000;
    private readonly ConcurrentDictionary<string, CachedPage> _pages = new(StringComparer.Ordinal);
    private LedgerHead _cachedHead = LedgerHead.Empty;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsCacheable(context.Request))
        {
            await next(context);
            return;
        }
        var snapshot = ledger.Current;
        if (Volatile.Read(ref _cachedHead) != snapshot.Head)
        {
            _pages.Clear();
            Volatile.Write(ref _cachedHead, snapshot.Head);
        }
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        var day = time.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var etag = $"W/\"{snapshot.Head.Seq}-{snapshot.Head.Hash[..12]}-{language}-{day}\"";
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "public, max-age=10, must-revalidate";
        headers.Vary = "Accept-Encoding, Accept-Language, Cookie";
        if (context.Request.Headers.IfNoneMatch.ToString().Contains(etag, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var key = $"{language}|{day}|{context.Request.Path}{context.Request.QueryString}";
        if (!_pages.TryGetValue(key, out var page))
        {
            page = await RenderAsync(context);
            if (page is null)
            {
                return;
            }
            if (_pages.Count < MaxEntries && ledger.Current.Head == snapshot.Head)
            {
                _pages[key] = page;
            }
        }
        await WriteAsync(context, page);
    }

    // Public HTML pages only: not the APIs, the console, framework files or anything with a file extension.
    private static bool IsCacheable(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !path.StartsWith("/api/", StringComparison.Ordinal)
            && !path.StartsWith("/admin", StringComparison.Ordinal)
            && !path.StartsWith("/_", StringComparison.Ordinal)
            && !path.StartsWith("/lang/", StringComparison.Ordinal)
            && !Path.HasExtension(path);
    }

    private async Task<CachedPage?> RenderAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var contentType = context.Response.ContentType ?? "";
        var bytes = buffer.ToArray();
        if (context.Response.StatusCode is not (200 or 404) || !contentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // Redirects and errors pass through untouched and uncached.
            context.Response.Headers.Remove(HeaderNames.ETag);
            await original.WriteAsync(bytes);
            return null;
        }
        return new CachedPage(context.Response.StatusCode, contentType, bytes, Compress(bytes, brotli: true), Compress(bytes, brotli: false));
    }

    private static byte[] Compress(byte[] bytes, bool brotli)
    {
        using var output = new MemoryStream();
        using (Stream stream = brotli
                   ? new BrotliStream(output, CompressionLevel.SmallestSize)
                   : new GZipStream(output, CompressionLevel.SmallestSize))
        {
            stream.Write(bytes);
        }
        return output.ToArray();
    }

    private static Task WriteAsync(HttpContext context, CachedPage page)
    {
        var response = context.Response;
        response.StatusCode = page.StatusCode;
        response.ContentType = page.ContentType;
        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = Accepts(accepted, "br") ? (page.Brotli, "br")
            : Accepts(accepted, "gzip") ? (page.Gzip, "gzip")
            : (page.Identity, null);
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static bool Accepts(string acceptEncoding, string coding)
    {
        foreach (var part in acceptEncoding.Split(','))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (string.Equals(pieces[0], coding, StringComparison.OrdinalIgnoreCase))
            {
                return !pieces.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
            }
        }
        return false;
    }
}
