using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace StatusPage.Bench;

// Counts the runtime's GCStart events by generation, reason and type, to tell why collections happen during Load().
internal sealed class GcReasons : EventListener
{
    private const int GcKeyword = 0x1;
    private static readonly string[] Reasons =
    [
        "alloc_small", "induced", "low_memory", "empty", "alloc_large", "oos_soh", "oos_loh", "induced_not_forced", "internal",
        "induced_low_memory", "induced_compacting", "low_memory_host", "pm_full_gc", "low_memory_host_blocking",
    ];
    private static readonly string[] Types = ["blocking", "background", "blocking_during_background"];
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public bool Recording { get; set; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Informational, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Recording || e.EventName is null || !e.EventName.StartsWith("GCStart", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        var depth = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("Depth")], System.Globalization.CultureInfo.InvariantCulture);
        var reason = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("Reason")], System.Globalization.CultureInfo.InvariantCulture);
        var type = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("Type")], System.Globalization.CultureInfo.InvariantCulture);
        var key = $"gen{depth} {(reason < Reasons.Length ? Reasons[reason] : reason.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
                  $"{(type < Types.Length ? Types[type] : "?")}";
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public string Summary() => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value}x {c.Key}"));
}
