using System.Collections.Concurrent;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.HttpCache;

// Feeds, calendar, badges and the v2 API answer HEAD as well as GET (link checkers and feed validators use HEAD).
internal static class ReadMethods
{
    public static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
}

// Renders each representation (feed, JSON, calendar, badge) once per ledger head; a new head drops everything older.
// Single-flight: concurrent requests for the same key and head share one render (a Lazy per key), so a post followed by a burst
// of reads renders each representation once. Never stale: the answer always reads the snapshot the request saw.
internal sealed class HeadCache(RenderCounter renders)
{
    private const int MaxEntriesPerHead = 4096;

    private Generation _current = new(LedgerHead.Empty, null, new ConcurrentDictionary<string, Lazy<Representation>>(StringComparer.Ordinal));

    public Representation GetOrRender(StatusSnapshot snapshot, string key, Func<StatusSnapshot, Representation> render)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(render);
        var generation = Volatile.Read(ref _current);
        if (!generation.Serves(snapshot))
        {
            var fresh = new Generation(snapshot.Head, snapshot.IntegrityProblem,
                new ConcurrentDictionary<string, Lazy<Representation>>(StringComparer.Ordinal));
            generation = Interlocked.CompareExchange(ref _current, fresh, generation) == generation ? fresh : Volatile.Read(ref _current);
        }
        if (!generation.Serves(snapshot))
        {
            return Render(snapshot, render);
        }
        if (generation.Bodies.TryGetValue(key, out var cached))
        {
            return cached.Value;
        }
        // Bounded: keys come from URLs (component and incident ids), and only known ids reach here.
        if (generation.Bodies.Count >= MaxEntriesPerHead)
        {
            return Render(snapshot, render).Compressed();
        }
        var flight = generation.Bodies.GetOrAdd(key,
            _ => new Lazy<Representation>(() => Render(snapshot, render).Compressed(), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return flight.Value;
        }
        catch
        {
            // A failed render is not cached: the next request tries again.
            generation.Bodies.TryRemove(new KeyValuePair<string, Lazy<Representation>>(key, flight));
            throw;
        }
    }

    private Representation Render(StatusSnapshot snapshot, Func<StatusSnapshot, Representation> render)
    {
        renders.RepresentationRendered();
        return render(snapshot);
    }

    // A head that turns read-only (a failed check) is a new generation too: its answers say so.
    private sealed record Generation(LedgerHead Head, string? IntegrityProblem, ConcurrentDictionary<string, Lazy<Representation>> Bodies)
    {
        public bool Serves(StatusSnapshot snapshot) => Head == snapshot.Head && IntegrityProblem == snapshot.IntegrityProblem;
    }
}
