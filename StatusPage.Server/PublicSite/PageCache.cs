using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Primitives;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.PublicSite;

// A rendered page, compressed once: served as bytes until the cache generation changes.
public sealed record CachedPage(int StatusCode, StringValues ContentType, byte[] Identity, byte[] Brotli, byte[] Gzip);

// Renders each public page once per ledger head, language and day, then serves pre-compressed bytes (DESIGN.md budgets).
// It runs first in the pipeline so a hit costs a dictionary lookup and one write.
public sealed class PageCacheMiddleware(RequestDelegate next, LedgerService ledger, TimeProvider time, SiteSettingsHolder site)
{
    private const int MaxEntriesPerLanguage = 1_000;
    private static readonly string[] KeyedQueryParameters = ["page", "order", "from", "to"];
    private static readonly StringValues CacheControl = "public, max-age=10, must-revalidate";
    private static readonly StringValues Vary = "Accept-Encoding, Accept-Language, Cookie";
    private static readonly StringValues Brotli = "br";
    private static readonly StringValues Gzip = "gzip";
    private Generation? _generation;

    // Everything cached for one ledger head; it also expires at the site's midnight (the bars move) and, while an
    // incident is open, after a minute (its running duration moves).
    private sealed class Generation(LedgerHead head, DateTimeOffset expiresAt, DateTimeOffset createdAt)
    {
        public LedgerHead Head { get; } = head;

        // Pages of this generation have not changed since it began (HTTP dates have whole seconds).
        public DateTimeOffset CreatedAt { get; } = createdAt.AddTicks(-(createdAt.UtcTicks % TimeSpan.TicksPerSecond));

        public StringValues LastModified { get; } = createdAt.AddTicks(-(createdAt.UtcTicks % TimeSpan.TicksPerSecond))
            .ToString("R", CultureInfo.InvariantCulture);

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public Dictionary<string, StringValues> ETags { get; } = ReaderLanguage.Cultures.ToDictionary(c => c.TwoLetterISOLanguageName,
            c => new StringValues($"W/\"{head.Seq}-{head.Hash[..12]}-{c.TwoLetterISOLanguageName}-{expiresAt.UtcTicks:x}\""));

        public Dictionary<string, ConcurrentDictionary<string, CachedPage>> Pages { get; } = ReaderLanguage.Cultures.ToDictionary(
            c => c.TwoLetterISOLanguageName, _ => new ConcurrentDictionary<string, CachedPage>(StringComparer.Ordinal));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var culture = ReaderLanguage.Choose(context.Request);
        var language = culture.TwoLetterISOLanguageName;
        SecurityHeaders.Apply(context);
        if (!IsCacheable(context.Request))
        {
            ReaderLanguage.Apply(culture);
            await next(context);
            return;
        }
        var generation = Current();
        var headers = context.Response.Headers;
        var etag = generation.ETags[language];
        headers.ETag = etag;
        headers.CacheControl = CacheControl;
        headers.Vary = Vary;
        headers.LastModified = generation.LastModified;
        if (IsCurrent(context.Request, etag, generation))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var pages = generation.Pages[language];
        var request = context.Request;
        var key = CacheKey(request);
        if (!pages.TryGetValue(key, out var page))
        {
            ReaderLanguage.Apply(culture);
            page = await RenderAsync(context);
            if (page is null)
            {
                return;
            }
            if (pages.Count < MaxEntriesPerLanguage && ReferenceEquals(generation, _generation))
            {
                pages[key] = page;
            }
        }
        await WriteAsync(context, page);
    }

    private Generation Current()
    {
        var snapshot = ledger.Current;
        var now = time.GetUtcNow();
        var generation = Volatile.Read(ref _generation);
        if (generation is not null && generation.Head == snapshot.Head && now < generation.ExpiresAt)
        {
            return generation;
        }
        var zone = site.Current.TimeZone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var expiresAt = Uptime.UptimeCalculator.StartOfDay(today.AddDays(1), zone);
        if (snapshot.UnresolvedIncidents.Any())
        {
            var nextMinute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
            expiresAt = nextMinute < expiresAt ? nextMinute : expiresAt;
        }
        generation = new Generation(snapshot.Head, expiresAt, now);
        Volatile.Write(ref _generation, generation);
        return generation;
    }

    // If-None-Match wins; If-Modified-Since is only consulted without it (RFC 9110 13.2.2).
    private static bool IsCurrent(HttpRequest request, StringValues etag, Generation generation)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0)
        {
            return ifNoneMatch.Contains(etag.ToString(), StringComparison.Ordinal);
        }
        return DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture,
                   DateTimeStyles.AssumeUniversal, out var since)
               && since >= generation.CreatedAt;
    }

    // Only the query parameters pages read are part of the key: tracking parameters and cache-busters hit the cache
    // instead of rendering (and filling it) once per distinct URL.
    private static string CacheKey(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (!request.QueryString.HasValue)
        {
            return path;
        }
        var key = path;
        foreach (var name in KeyedQueryParameters)
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                key += (key.Length == path.Length ? "?" : "&") + name + "=" + value;
            }
        }
        return key;
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
        var method = context.Request.Method;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        // Pages are routed for GET; a HEAD is answered from the GET page (headers only), as monitors that check with HEAD expect.
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            context.Request.Method = method;
        }
        var contentType = context.Response.ContentType ?? "";
        var bytes = buffer.ToArray();
        if (context.Response.StatusCode is not (200 or 404) || !contentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // Redirects and errors pass through untouched and uncached.
            context.Response.Headers.Remove("ETag");
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
        response.Headers.ContentType = page.ContentType;
        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        byte[] body;
        if (Accepts(accepted, "br"))
        {
            body = page.Brotli;
            response.Headers.ContentEncoding = Brotli;
        }
        else if (Accepts(accepted, "gzip"))
        {
            body = page.Gzip;
            response.Headers.ContentEncoding = Gzip;
        }
        else
        {
            body = page.Identity;
        }
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    // "gzip", "gzip;q=0.5" accept; "gzip;q=0" refuses.
    private static bool Accepts(string acceptEncoding, string coding)
    {
        var index = acceptEncoding.IndexOf(coding, StringComparison.OrdinalIgnoreCase);
        if (index < 0)
        {
            return false;
        }
        var end = acceptEncoding.IndexOf(',', index);
        var item = end < 0 ? acceptEncoding.AsSpan(index) : acceptEncoding.AsSpan(index, end - index);
        var q = item.IndexOf("q=", StringComparison.OrdinalIgnoreCase);
        return q < 0 || !double.TryParse(item[(q + 2)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight > 0;
    }
}

// No inline script, no third-party origin; the console (/admin) and the framework's files set their own policy.
public static class SecurityHeaders
{
    private static readonly StringValues Policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    // The console: WebAssembly needs 'wasm-unsafe-eval', MudBlazor sets inline styles; still no third-party origin, no inline script.
    private static readonly StringValues ConsolePolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    private static readonly StringValues NoStore = "no-store";
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues Immutable = "public, max-age=31536000, immutable";
    private static readonly StringValues Referrer = "strict-origin-when-cross-origin";
    private static readonly StringValues Hsts = "max-age=31536000";

    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = Referrer;
        if (context.Request.IsHttps)
        {
            // Only over HTTPS (directly or behind a known TLS proxy): browsers ignore it on plain HTTP anyway.
            headers.StrictTransportSecurity = Hsts;
        }
        if (context.Request.Path.StartsWithSegments("/admin"))
        {
            // Operator pages show what only a signed-in operator may see: never stored by a browser or a proxy.
            headers.ContentSecurityPolicy = ConsolePolicy;
            headers.CacheControl = NoStore;
        }
        else if (!context.Request.Path.StartsWithSegments("/_framework"))
        {
            headers.ContentSecurityPolicy = Policy;
        }
        if (IsFingerprinted(context.Request.Path.Value))
        {
            // A fingerprinted file never changes under its name; the build-output manifest would say no-cache.
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                if (response.StatusCode == StatusCodes.Status200OK)
                {
                    response.Headers.CacheControl = Immutable;
                }
                return Task.CompletedTask;
            }, context.Response);
        }
    }

    // "/app.vussbbv2yr.css": a name, a 10-character content hash, an extension.
    private static bool IsFingerprinted(string? path)
    {
        if (path is null || !(path.EndsWith(".css", StringComparison.Ordinal) || path.EndsWith(".js", StringComparison.Ordinal)))
        {
            return false;
        }
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.LastIndexOf('.');
        return dot > 0 && name.Length - dot - 1 == 10 && name[(dot + 1)..].All(char.IsAsciiLetterOrDigit);
    }
}
