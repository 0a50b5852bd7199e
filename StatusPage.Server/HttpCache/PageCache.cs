using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.HttpCache;

// Renders each public page once per ledger head, language and day, then serves pre-compressed bytes (the budgets in bench/).
// After routing: the endpoint says whether this is a page ([CachedPage]); a path no endpoint claims renders the not-found
// page, which is cached the same way. A hit costs a route match, a dictionary lookup and one write.
public sealed class PageCacheMiddleware(RequestDelegate next, LedgerService ledger, TimeProvider time, SiteSettingsHolder site)
{
    private const int MaxEntriesPerLanguage = 1_000;
    private static readonly string[] KeyedQueryParameters = ["page", "order", "from", "to"];
    private static readonly StringValues Vary = "Accept-Encoding, Accept-Language, Cookie";
    private Generation? _generation;

    // Everything cached for one ledger head; it also expires at the site's midnight (the bars move) and, while an
    // incident is open, after a minute (its running duration moves).
    private sealed class Generation(LedgerHead head, DateTimeOffset expiresAt, DateTimeOffset createdAt)
    {
        public LedgerHead Head { get; } = head;

        // Pages of this generation have not changed since it began (HTTP dates have whole seconds).
        public DateTimeOffset CreatedAt { get; } = createdAt.AddTicks(-(createdAt.UtcTicks % TimeSpan.TicksPerSecond));

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        // Weak: a page re-rendered within the generation (when the cache is full) shows the same content, not the same bytes.
        public Dictionary<string, EntityTag> ETags { get; } = ReaderLanguage.Cultures.ToDictionary(c => c.TwoLetterISOLanguageName,
            c => EntityTag.Weak($"\"{head.Seq}-{head.Hash[..12]}-{c.TwoLetterISOLanguageName}-{expiresAt.UtcTicks:x}\""));

        public Dictionary<string, ConcurrentDictionary<string, Representation>> Pages { get; } = ReaderLanguage.Cultures.ToDictionary(
            c => c.TwoLetterISOLanguageName, _ => new ConcurrentDictionary<string, Representation>(StringComparer.Ordinal));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var culture = ReaderLanguage.Choose(context.Request);
        if (!IsPage(context))
        {
            ReaderLanguage.Apply(culture);
            await next(context);
            return;
        }
        var language = culture.TwoLetterISOLanguageName;
        var generation = Current();
        var pages = generation.Pages[language];
        var key = CacheKey(context.Request);
        if (!pages.TryGetValue(key, out var page))
        {
            ReaderLanguage.Apply(culture);
            page = await RenderAsync(context, generation.CreatedAt);
            if (page is null)
            {
                return;
            }
            if (pages.Count < MaxEntriesPerLanguage && ReferenceEquals(generation, _generation))
            {
                pages[key] = page;
            }
        }
        await RepresentationWriter.WriteAsync(context, page, generation.ETags[language], CacheClass.Page, Vary);
    }

    // A GET or HEAD of a declared page, or of a path nothing claims (the not-found page).
    private static bool IsPage(HttpContext context)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            return false;
        }
        var endpoint = context.GetEndpoint();
        return endpoint is null || endpoint.Metadata.GetMetadata<CachedPageAttribute>() is not null;
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

    private async Task<Representation?> RenderAsync(HttpContext context, DateTimeOffset lastModified)
    {
        var original = context.Response.Body;
        var method = context.Request.Method;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        // A HEAD is answered from the GET page (headers only), as monitors that check with HEAD expect.
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
            // Redirects, errors and API problems for unclaimed paths pass through untouched and uncached.
            await original.WriteAsync(bytes);
            return null;
        }
        // Every page is compressed, however small: the first visit is measured in bytes.
        return new Representation(bytes, contentType, lastModified, context.Response.StatusCode).Compressed(above: 0);
    }
}
