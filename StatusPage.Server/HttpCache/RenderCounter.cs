namespace StatusPage.Server.HttpCache;

// How many times a page or a representation was really rendered (cache misses that did the work): single-flight is proven by
// this count staying at one per key and head however many requests arrive. Tests read it; it costs one interlocked add a render.
internal sealed class RenderCounter
{
    private long _pages;
    private long _representations;
    private long _staleAnswers;

    public long Pages => Interlocked.Read(ref _pages);

    public long Representations => Interlocked.Read(ref _representations);

    // Answers given from the previous head's bytes while the new head's page rendered (stale-while-revalidate).
    public long StaleAnswers => Interlocked.Read(ref _staleAnswers);

    // A test seam: awaited by a page render before it starts, so a test can hold a render in flight. Null in production.
    internal Func<Task>? BeforePageRender { get; set; }

    internal void PageRendered() => Interlocked.Increment(ref _pages);

    internal void RepresentationRendered() => Interlocked.Increment(ref _representations);

    internal void StaleAnswered() => Interlocked.Increment(ref _staleAnswers);
}
