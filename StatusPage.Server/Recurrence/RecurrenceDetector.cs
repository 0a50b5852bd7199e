using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace StatusPage.Server.Recurrence;

public enum RecurrenceKind { MinuteOfHour, HourOfDayLocal, HourOfDayUtc, DayOfWeek, Period }

// One incident start time of the group examined.
public sealed record RecurrenceEvent(string Id, DateTimeOffset At);

// Bin: the minute (0–59), the hour (0–23) or the DayOfWeek (0 = Sunday); for Period, the window's centre in minutes into the cycle.
// Anchor (Period only): the cycle point nearest the first matching incident. Log10P: the binomial tail; Log10Corrected: after Bonferroni.
public sealed record RecurrenceFinding(
    RecurrenceKind Kind,
    int Bin,
    int PeriodHours,
    DateTimeOffset? Anchor,
    int Hits,
    int Counted,
    double Log10P,
    double Log10Corrected,
    ImmutableArray<RecurrenceEvent> Matching)
{
    // "less than 1 in 10^N": the largest N with corrected p < 10^−N.
    public int OddsExponent => (int)Math.Floor(-Log10Corrected);
}

// Counted: incidents left after merging those that began within MergeWithin of the previous one; TestsTried: the Bonferroni factor.
public sealed record RecurrenceReport(string Label, int Counted, long TestsTried, ImmutableArray<RecurrenceFinding> Findings)
{
    public static RecurrenceReport Empty(string label) => new(label, 0, 0, []);
}

internal sealed record RecurrenceOptions(
    double Alpha = 0.001,
    int MinIncidents = 5,
    int MinHits = 4,
    int MinPeriodHours = 2,
    int MaxPeriodHours = 72,
    int ToleranceMinutes = 10,
    int MergeWithinMinutes = 60)
{
    public static readonly RecurrenceOptions Default = new();
}

// Pure statistics: is a group's incident start times concentrated on a minute, an hour, a weekday or a fixed period more than chance allows?
// Each candidate is an exact binomial upper tail against the uniform, Bonferroni-corrected for every candidate tried (README "Recurrence").
internal static class RecurrenceDetector
{
    private const double Ln10 = 2.302585092994046;

    // The last report per group (label, zone, options) and the events it was made from. A post re-renders every page that shows
    // a group's findings (the component's page in each language, its incidents' pages, the provider's), and it rarely changes a
    // group's start times: at 100,000 entries detection was ~80 ms of every post's renders. Reused only for the very same events
    // (ids, instants and offsets, in order), so a report is always what Detect computes from its arguments.
    private static readonly ConcurrentDictionary<(string Label, TimeZoneInfo Zone, RecurrenceOptions Options), (RecurrenceEvent[] Events, RecurrenceReport Report)> Recent = new();

    private const int MaxRecent = 1024;

    public static RecurrenceReport Detect(string label, IEnumerable<RecurrenceEvent> events, TimeZoneInfo zone, RecurrenceOptions? options = null)
    {
        var o = options ?? RecurrenceOptions.Default;
        RecurrenceEvent[] given = [.. events];
        var key = (label, zone, o);
        if (Recent.TryGetValue(key, out var recent) && recent.Events.AsSpan().SequenceEqual(given, SameEvent.Instance))
        {
            return recent.Report;
        }
        var report = Compute(label, given, zone, o);
        if (Recent.Count >= MaxRecent)
        {
            Recent.Clear(); // bounded: labels come from the ledger (component and provider names)
        }
        Recent[key] = (given, report);
        return report;
    }

    // Equal records, and the same offset (a record's equality compares instants only; a report shows the times it was given).
    private sealed class SameEvent : IEqualityComparer<RecurrenceEvent>
    {
        public static readonly SameEvent Instance = new();

        public bool Equals(RecurrenceEvent? x, RecurrenceEvent? y) => x == y && x?.At.Offset == y?.At.Offset;

        public int GetHashCode(RecurrenceEvent obj) => obj.GetHashCode();
    }

    private static RecurrenceReport Compute(string label, RecurrenceEvent[] events, TimeZoneInfo zone, RecurrenceOptions o)
    {
        var counted = Merge(events, TimeSpan.FromMinutes(o.MergeWithinMinutes));
        var utcIsLocal = zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime;
        var tests = TestsTried(o, utcIsLocal);
        if (counted.Length < o.MinIncidents)
        {
            return new RecurrenceReport(label, counted.Length, tests, []);
        }

        var local = counted.Select(e => TimeZoneInfo.ConvertTime(e.At, zone)).ToArray();
        var candidates = new List<RecurrenceFinding?>
        {
            BestBin(RecurrenceKind.MinuteOfHour, 60, counted, i => local[i].Minute),
            BestBin(RecurrenceKind.HourOfDayLocal, 24, counted, i => local[i].Hour),
            utcIsLocal ? null : BestBin(RecurrenceKind.HourOfDayUtc, 24, counted, i => counted[i].At.UtcDateTime.Hour),
            BestBin(RecurrenceKind.DayOfWeek, 7, counted, i => (int)local[i].DayOfWeek),
            BestPeriod(counted, o),
        };

        var log10Tests = Math.Log10(tests);
        var findings = candidates
            .OfType<RecurrenceFinding>()
            .Select(f => f with { Log10Corrected = Math.Min(0, f.Log10P + log10Tests) })
            .Where(f => f.Hits >= o.MinHits && f.Log10Corrected < Math.Log10(o.Alpha))
            .OrderBy(f => f.Log10Corrected)
            .ToImmutableArray();
        return new RecurrenceReport(label, counted.Length, tests, findings);
    }

    // Every bin of every kind and every window of every candidate period: what the smallest p-value is multiplied by.
    public static long TestsTried(RecurrenceOptions o, bool utcIsLocal)
    {
        long tests = 60 + 24 + (utcIsLocal ? 0 : 24) + 7;
        for (var hours = o.MinPeriodHours; hours <= o.MaxPeriodHours; hours++)
        {
            tests += hours * 60L;
        }
        return tests;
    }

    // ln P(X ≥ k) for X ~ Binomial(n, p), summed in log space so tails far below 1e-300 stay exact.
    public static double LogUpperTail(int k, int n, double p)
    {
        if (k <= 0)
        {
            return 0;
        }
        if (k > n)
        {
            return double.NegativeInfinity;
        }
        var lnFact = new double[n + 1];
        for (var i = 2; i <= n; i++)
        {
            lnFact[i] = lnFact[i - 1] + Math.Log(i);
        }
        var (lnP, lnQ) = (Math.Log(p), Math.Log(1 - p));
        var terms = Enumerable.Range(k, n - k + 1)
            .Select(j => lnFact[n] - lnFact[j] - lnFact[n - j] + (j * lnP) + ((n - j) * lnQ))
            .ToArray();
        var max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
    }

    public static double Log10UpperTail(int k, int n, double p) => LogUpperTail(k, n, p) / Ln10;

    // An outage recorded as several incidents is one event: a start within the merge window of the previous counted one is dropped.
    private static ImmutableArray<RecurrenceEvent> Merge(IEnumerable<RecurrenceEvent> events, TimeSpan within)
    {
        var kept = ImmutableArray.CreateBuilder<RecurrenceEvent>();
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal))
        {
            if (kept.Count == 0 || e.At - kept[^1].At >= within)
            {
                kept.Add(e);
            }
        }
        return kept.ToImmutable();
    }

    private static RecurrenceFinding BestBin(RecurrenceKind kind, int bins, ImmutableArray<RecurrenceEvent> events, Func<int, int> binOf)
    {
        var counts = new int[bins];
        for (var i = 0; i < events.Length; i++)
        {
            counts[binOf(i)]++;
        }
        var best = Array.IndexOf(counts, counts.Max());
        var matching = Enumerable.Range(0, events.Length).Where(i => binOf(i) == best).Select(i => events[i]).ToImmutableArray();
        var log10P = Log10UpperTail(counts[best], events.Length, 1.0 / bins);
        return new RecurrenceFinding(kind, best, 0, null, counts[best], events.Length, log10P, log10P, matching);
    }

    // For each period of whole hours, the phase of each start (minutes since the Unix epoch, modulo the period) is binned by minute;
    // a window of ±tolerance minutes slides round the cycle. The period with the smallest tail wins.
    private static RecurrenceFinding? BestPeriod(ImmutableArray<RecurrenceEvent> events, RecurrenceOptions o)
    {
        var minutes = events.Select(e => (long)Math.Floor(e.At.ToUnixTimeSeconds() / 60.0)).ToArray();
        var tol = o.ToleranceMinutes;
        RecurrenceFinding? best = null;
        var histogram = new int[o.MaxPeriodHours * 60];
        for (var hours = o.MinPeriodHours; hours <= o.MaxPeriodHours; hours++)
        {
            var cycle = hours * 60;
            Array.Clear(histogram);
            foreach (var m in minutes)
            {
                histogram[Mod(m, cycle)]++;
            }
            var sum = 0;
            for (var d = -tol; d <= tol; d++)
            {
                sum += histogram[Mod(d, cycle)];
            }
            var (bestCount, bestCentre) = (sum, 0);
            for (var c = 1; c < cycle; c++)
            {
                sum += histogram[Mod(c + tol, cycle)] - histogram[Mod(c - tol - 1, cycle)];
                if (sum > bestCount)
                {
                    (bestCount, bestCentre) = (sum, c);
                }
            }
            if (bestCount < o.MinHits)
            {
                continue; // never reported, and the tail is the costly part
            }
            var log10P = Log10UpperTail(bestCount, events.Length, (2.0 * tol + 1) / cycle);
            if (best is null || log10P < best.Log10P)
            {
                var matching = Enumerable.Range(0, events.Length)
                    .Where(i => CircularDistance(Mod(minutes[i], cycle), bestCentre, cycle) <= tol)
                    .Select(i => events[i])
                    .ToImmutableArray();
                var first = (long)Math.Floor(matching[0].At.ToUnixTimeSeconds() / 60.0);
                var offset = Mod(first - bestCentre, cycle);
                var anchor = DateTimeOffset.FromUnixTimeSeconds((first - offset + (offset <= cycle / 2 ? 0 : cycle)) * 60);
                best = new RecurrenceFinding(RecurrenceKind.Period, bestCentre, hours, anchor, bestCount, events.Length, log10P, log10P, matching);
            }
        }
        return best;
    }

    // Does a start time fall on a finding's pattern (the same bin, or within the tolerance of its cycle)? The console's hint.
    public static bool Covers(RecurrenceFinding finding, DateTimeOffset at, TimeZoneInfo zone, RecurrenceOptions? options = null)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return finding.Kind switch
        {
            RecurrenceKind.MinuteOfHour => local.Minute == finding.Bin,
            RecurrenceKind.HourOfDayLocal => local.Hour == finding.Bin,
            RecurrenceKind.HourOfDayUtc => at.UtcDateTime.Hour == finding.Bin,
            RecurrenceKind.DayOfWeek => (int)local.DayOfWeek == finding.Bin,
            _ => CircularDistance(Mod((long)Math.Floor(at.ToUnixTimeSeconds() / 60.0), finding.PeriodHours * 60), finding.Bin,
                finding.PeriodHours * 60) <= (options ?? RecurrenceOptions.Default).ToleranceMinutes,
        };
    }

    private static int Mod(long value, int modulus) => (int)(((value % modulus) + modulus) % modulus);

    private static int CircularDistance(int a, int b, int cycle) => Math.Min(Mod(a - b, cycle), Mod(b - a, cycle));
}
