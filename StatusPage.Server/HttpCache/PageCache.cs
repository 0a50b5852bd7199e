using System.Collections.Concurrent;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Primitives;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.HttpCache;

// Renders each public page once per ledger head, language and day, then serves pre-compressed bytes (the budgets in bench/).
// After routing: the endpoint says whether this is a page ([CachedPage]); a path no endpoint claims renders the not-found
// page, which is cached the same way. A hit costs a route match, a dictionary lookup and one write.
//
// Crisis day (issue 15, bench/crisis.sh): each append makes a new head, and every waiting reader used to render the same page
// at once. Now a page renders once per (head, language, key): the first request renders it, the others await the same task
// (single-flight). While that one render runs, anonymous readers get the previous head's bytes for the same page at once
// (stale-while-revalidate), for at most _staleFor (2 s) after the new head was first seen: never older than that, and never to a
// request that carries credentials (an Authorization header or a cookie other than the language one). A writer posts with its
// token or its console session, so its own next read waits for the new head's page and is never older than its acknowledged
// write; the JSON and feed representations (HeadCache) read the published snapshot and are never stale at all.
internal sealed class PageCacheMiddleware(RequestDelegate next, LedgerService ledger, TimeProvider time, SiteSettingsHolder site,
    RenderCounter renders, IConfiguration configuration)
{
    private const int MaxEntriesPerLanguage = 1_000;
    // A bound on how stale an anonymous answer can be (StatusPage:StalePagesForSeconds, 0 turns stale answers off); a page renders
    // in milliseconds, so in practice a stale answer lasts that long.
    private readonly TimeSpan _staleFor = TimeSpan.FromSeconds(configuration.GetValue("StatusPage:StalePagesForSeconds", 2.0));
    private static readonly string[] KeyedQueryParameters = ["page", "order", "from", "to"];
    private static readonly StringValues Vary = "Accept-Encoding, Accept-Language, Cookie";
    private Generation? _generation;

    // Everything cached for one ledger head; it also expires at the site's midnight (the bars move) and, while an
    // incident is open, after a minute (its running duration moves).
    private sealed class Generation(StatusSnapshot snapshot, bool verifying, DateTimeOffset expiresAt, DateTimeOffset createdAt, long startedAt,
        Generation? previous)
    {
        public LedgerHead Head { get; } = snapshot.Head;

        // The same head turns read-only when a check fails, or verified when the background verification ends: new pages then.
        public string? IntegrityProblem { get; } = snapshot.IntegrityProblem;

        public bool Verifying { get; } = verifying;

        public bool Serves(StatusSnapshot current, bool verifying) =>
            Head == current.Head && IntegrityProblem == current.IntegrityProblem && Verifying == verifying;

        // Pages of this generation have not changed since it began (HTTP dates have whole seconds).
        public DateTimeOffset CreatedAt { get; } = createdAt.AddTicks(-(createdAt.UtcTicks % TimeSpan.TicksPerSecond));

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        // When this process first saw the generation (TimeProvider timestamp): the start of the stale window.
        public long StartedAt { get; } = startedAt;

        // The previous generation's pages and tags, kept for stale answers (one level only: older ones are dropped).
        public Stale? Previous { get; } = previous is null ? null : new Stale(previous.Pages);

        public StatusSnapshot Snapshot { get; } = snapshot;

        // Weak: a page re-rendered within the generation (when the cache is full) shows the same content, not the same bytes.
        // It follows the page's own content (issue 15: the seq at which what it shows last changed), so a post elsewhere keeps
        // its tag; a page that also moves with the clock adds this generation's expiry, every page the zone's offset (the footer).
        public EntityTag TagFor(string language, string path, TimeZoneInfo zone, DateTimeOffset now)
        {
            var versions = ContentVersions.Of(Snapshot);
            var (seq, moves) = versions.VersionOf(path, zone, now);
            var clock = moves ? $"-{ExpiresAt.UtcTicks:x}" : "";
            return EntityTag.Weak($"\"{seq}-{language}{clock}-{(int)zone.GetUtcOffset(now).TotalMinutes}" +
                $"{(Snapshot.IsReadOnly ? "-r" : "")}{(Verifying ? "-v" : "")}\"");
        }

        public Dictionary<string, ConcurrentDictionary<string, TaggedPage>> Pages { get; } = ReaderLanguage.Cultures.ToDictionary(
            c => c.TwoLetterISOLanguageName, _ => new ConcurrentDictionary<string, TaggedPage>(StringComparer.Ordinal));

        // Renders in flight, by language and key: the single flight every concurrent request for that page joins.
        public ConcurrentDictionary<string, Task<TaggedPage?>> Rendering { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Stale(Dictionary<string, ConcurrentDictionary<string, TaggedPage>> Pages);

    private sealed record TaggedPage(Representation Page, EntityTag Tag);

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
        if (pages.TryGetValue(key, out var page))
        {
            await RepresentationWriter.WriteAsync(context, page.Page, page.Tag, CacheClass.Page, Vary);
            return;
        }
        ReaderLanguage.Apply(culture);
        var flightKey = language + "\n" + key;
        var flight = new TaskCompletionSource<TaggedPage?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = generation.Rendering.GetOrAdd(flightKey, flight.Task);
        if (joined != flight.Task)
        {
            if (StaleAnswer(context, generation, language, key) is { } stale)
            {
                renders.StaleAnswered();
                await RepresentationWriter.WriteAsync(context, stale.Page, stale.Tag, CacheClass.Page, Vary);
                return;
            }
            page = await joined;
            // Null: the leader's answer was not a cacheable page (a redirect, an error), or its render failed: answer our own.
            page ??= await RenderAsync(context, generation, language);
        }
        else
        {
            page = await LeadAsync(context, generation, language, pages, key, flightKey, flight);
        }
        if (page is not null)
        {
            await RepresentationWriter.WriteAsync(context, page.Page, page.Tag, CacheClass.Page, Vary);
        }
    }

    // The one render of this page for this generation; whoever joined the flight gets its result.
    private async Task<TaggedPage?> LeadAsync(HttpContext context, Generation generation, string language,
        ConcurrentDictionary<string, TaggedPage> pages, string key, string flightKey, TaskCompletionSource<TaggedPage?> flight)
    {
        TaggedPage? page = null;
        try
        {
            // A flight that ended between our cache miss and joining has already stored the page.
            if (!pages.TryGetValue(key, out page))
            {
                if (renders.BeforePageRender is { } hold)
                {
                    await hold();
                }
                page = await RenderAsync(context, generation, language);
                if (page is not null && pages.Count < MaxEntriesPerLanguage && ReferenceEquals(generation, _generation))
                {
                    pages[key] = page;
                }
            }
        }
        finally
        {
            // Stored first, then released: a request arriving after this finds the page, never a second flight.
            flight.TrySetResult(page);
            generation.Rendering.TryRemove(new KeyValuePair<string, Task<TaggedPage?>>(flightKey, flight.Task));
        }
        return page;
    }

    // The previous head's bytes for this page, if the reader is anonymous and the new head is younger than _staleFor.
    private TaggedPage? StaleAnswer(HttpContext context, Generation generation, string language, string key)
    {
        if (generation.Previous is not { } previous || MayBeWriter(context.Request)
            || time.GetElapsedTime(generation.StartedAt) >= _staleFor
            || !previous.Pages[language].TryGetValue(key, out var page))
        {
            return null;
        }
        return page;
    }

    // Credentials mean an operator (API token, console session): they read their own writes, so they never get stale bytes.
    internal static bool MayBeWriter(HttpRequest request)
    {
        if (request.Headers.Authorization.Count > 0)
        {
            return true;
        }
        if (request.Headers.Cookie.Count == 0)
        {
            return false;
        }
        return request.Cookies.Keys.Any(name => name != CookieRequestCultureProvider.DefaultCookieName);
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
        var verifying = ledger.VerificationRunning;
        var now = time.GetUtcNow();
        var generation = Volatile.Read(ref _generation);
        if (generation is not null && generation.Serves(snapshot, verifying) && now < generation.ExpiresAt)
        {
            return generation;
        }
        var expiresAt = ClockWindow.Of(snapshot, site.Current.TimeZone, now).End;
        var fresh = new Generation(snapshot, verifying, expiresAt, now, time.GetTimestamp(), generation);
        // One generation per head even when many requests see the new head at once: they all join the same flights.
        var won = Interlocked.CompareExchange(ref _generation, fresh, generation);
        if (ReferenceEquals(won, generation))
        {
            return fresh;
        }
        return won is not null && won.Serves(snapshot, verifying) && now < won.ExpiresAt ? won : fresh;
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

    private async Task<TaggedPage?> RenderAsync(HttpContext context, Generation generation, string language)
    {
        var tag = generation.TagFor(language, context.Request.Path.Value ?? "/", site.Current.TimeZone, time.GetUtcNow());
        renders.PageRendered();
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
        return new TaggedPage(new Representation(bytes, contentType, generation.CreatedAt, context.Response.StatusCode).Compressed(above: 0), tag);
    }
}
