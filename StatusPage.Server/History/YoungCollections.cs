namespace StatusPage.Server.History;

// Collects the young generations after every `every` bytes allocated, for the snapshot read and the background
// verification, which allocate many times what they keep. The GC sizes its young generation from the L3 cache (tens of MB
// on a large server CPU), so without this the process grows by that much garbage before each collection while the read
// model already fills the memory budget (bench/README.md, "Start-up from a read-model snapshot").
internal sealed class YoungCollections(long every)
{
    private long _next = GC.GetTotalAllocatedBytes() + every;

    public void Tick()
    {
        if (GC.GetTotalAllocatedBytes() < _next)
        {
            return;
        }
        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
        _next = GC.GetTotalAllocatedBytes() + every;
    }
}
