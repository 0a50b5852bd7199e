using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.HttpCache;

// How long a browser or proxy may keep an answer, declared by the feature that serves it (a representation, or endpoint metadata).
internal sealed class CacheClass
{
    private static readonly ConcurrentDictionary<int, CacheClass> PublicBySeconds = new();

    private CacheClass(string cacheControl) => CacheControl = cacheControl;

    // Operator pages and errors: never stored by a browser or a proxy.
    public static CacheClass NoStore { get; } = new("no-store");

    // Public pages: kept briefly, then revalidated (a 304 costs a lookup).
    public static CacheClass Page { get; } = new("public, max-age=10, must-revalidate");

    // A fingerprinted file never changes under its name.
    public static CacheClass Immutable { get; } = new("public, max-age=31536000, immutable");

    public StringValues CacheControl { get; }

    // One instance per lifetime, so serving one allocates nothing.
    public static CacheClass Public(TimeSpan maxAge) =>
        PublicBySeconds.GetOrAdd((int)maxAge.TotalSeconds, static seconds => new CacheClass($"public, max-age={seconds}"));

    public override string ToString() => CacheControl.ToString();
}
