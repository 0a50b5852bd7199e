using System.Collections.Concurrent;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.HttpCache;

// Feeds, calendar, badges and the v2 API answer HEAD as well as GET (link checkers and feed validators use HEAD).
public static class ReadMethods
{
    public static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
}

// Renders each representation (feed, JSON, calendar, badge) once per ledger head; a new head drops everything older.
public sealed class HeadCache
{
    private const int MaxEntriesPerHead = 4096;

    private Generation _current = new(LedgerHead.Empty, new ConcurrentDictionary<string, Representation>(StringComparer.Ordinal));

    public Representation GetOrRender(StatusSnapshot snapshot, string key, Func<StatusSnapshot, Representation> render)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(render);
        var generation = Volatile.Read(ref _current);
        if (generation.Head != snapshot.Head)
        {
            var fresh = new Generation(snapshot.Head, new ConcurrentDictionary<string, Representation>(StringComparer.Ordinal));
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

    private sealed record Generation(LedgerHead Head, ConcurrentDictionary<string, Representation> Bodies);
}
