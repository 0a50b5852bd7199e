using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace StatusPage.Bench;

// Samples allocations by type from the runtime's GCAllocationTick events (one event per ~100 KB allocated, naming the type
// of the object that crossed the threshold), in-process: no tracing tool needed.
internal sealed class AllocationTicks : EventListener
{
    private const int GcKeyword = 0x1;
    private const double MbPerTick = 100 * 1024 / 1048576.0;
    private readonly ConcurrentDictionary<string, int> _ticks = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.Payload is not null)
        {
            var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")]?.ToString() ?? "?";
            _ticks.AddOrUpdate(type, 1, (_, n) => n + 1);
        }
    }

    // The top types since the last call, about "N MB  Type" each, then starts counting afresh.
    public string TakeSummary(int top)
    {
        var lines = _ticks.OrderByDescending(t => t.Value).Take(top)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"  {t.Value * MbPerTick,7:F0} MB  {t.Key}"));
        var summary = string.Join(Environment.NewLine, lines);
        _ticks.Clear();
        return summary;
    }
}
