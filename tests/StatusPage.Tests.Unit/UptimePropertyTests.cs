using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Unit;

// Random histories (seeded, so a failure repeats) written through the real ledger, out of stated order and with ties: the
// calculator's figures equal a straightforward count over minutes written here from the /uptime rules alone.
public sealed class UptimePropertyTests : IDisposable
{
    private const int Cases = 120;
    private static readonly ComponentStatus[] Statuses = Enum.GetValues<ComponentStatus>();
    private readonly TestLedger _ledger = TestLedger.Create(seed: false);

    public void Dispose() => _ledger.Dispose();

    // What was appended for one component: its declaration time and each change with the order it was recorded in.
    private sealed record Written(DateTimeOffset DeclaredAt, List<(DateTimeOffset Stated, DateTimeOffset Recorded, ComponentStatus Status, bool Imported)> Changes);

    [Fact]
    public void Figures_from_the_calculator_equal_a_minute_by_minute_count_over_random_histories()
    {
        var random = new Random(20261202);
        var cases = new List<(string Id, Written History)>();
        for (var n = 0; n < Cases; n++)
        {
            cases.Add(($"c{n}", Write(random, $"c{n}")));
        }

        var checkedWindows = 0;
        foreach (var (id, history) in cases)
        {
            var component = _ledger.State.Components[id];
            for (var w = 0; w < 4; w++)
            {
                var from = history.DeclaredAt.AddMinutes(random.Next(-3 * 1440, 1440));
                var to = from.AddMinutes(random.Next(0, 3 * 1440));
                var figure = UptimeCalculator.Compute(component, from, to);
                var (down, eligible) = ByMinute(history, from, to, asRecorded: false);
                Assert.True(Same(down, eligible, figure), $"{id} [{from:O}, {to:O}): calculator {figure}, by minute {down}/{eligible}");
                var recorded = UptimeCalculator.ComputeAsRecorded(component, from, to);
                var (downThen, eligibleThen) = ByMinute(history, from, to, asRecorded: true);
                Assert.True(Same(downThen, eligibleThen, recorded),
                    $"{id} as recorded [{from:O}, {to:O}): calculator {recorded}, by minute {downThen}/{eligibleThen}");
                checkedWindows++;
            }
        }
        Assert.Equal(Cases * 4, checkedWindows);
        // The random histories did exercise what the rules are about.
        Assert.Contains(cases, c => c.History.Changes.Any(x => x.Stated < c.History.DeclaredAt));
        Assert.Contains(cases, c => c.History.Changes.GroupBy(x => x.Stated).Any(g => g.Count() > 1));
        Assert.Contains(cases, c => c.History.Changes.Any(x => Limits.IsBackfilled(x.Stated, x.Recorded) && !x.Imported));
    }

    // Declares a component now, then appends 0–12 status changes over the following hours: some live, some stated up to two days
    // back (before the declaration too), on a 10-minute grid so that stated times tie; a few through the content importer's name.
    private Written Write(Random random, string id)
    {
        _ledger.Time.Advance(TimeSpan.FromMinutes(random.Next(1, 600)));
        var declaredAt = _ledger.Time.GetUtcNow();
        _ledger.Ok(new DeclareComponent(id, id, null, null, null, 0));
        var changes = new List<(DateTimeOffset, DateTimeOffset, ComponentStatus, bool)>();
        for (var i = random.Next(0, 13); i > 0; i--)
        {
            _ledger.Time.Advance(TimeSpan.FromMinutes(random.Next(0, 4) * 10));
            var now = _ledger.Time.GetUtcNow();
            var stated = random.Next(3) == 0 ? now : now.AddMinutes(-10 * random.Next(0, 300));
            var status = Statuses[random.Next(Statuses.Length)];
            var imported = random.Next(5) == 0;
            _ledger.Ok(new SetComponentStatus(id, status, stated), imported ? ContentAuthor.Prefix + "incidents/x.md" : "alice");
            changes.Add((stated, now, status, imported));
        }
        return new Written(declaredAt, changes);
    }

    // The rules in words: a minute before the first record is not eligible; the status in force during minute m is the last change
    // stated at or before m, stated order, ties in recorded order (as recorded: only changes known by then); maintenance minutes are
    // not eligible; major outage minutes count 1, partial 0.3.
    private static (double Down, double Eligible) ByMinute(Written history, DateTimeOffset from, DateTimeOffset to, bool asRecorded)
    {
        var firstRecord = history.Changes.Select(c => c.Stated).Append(history.DeclaredAt).Min();
        var ordered = history.Changes.Select((c, order) => (c, order)).OrderBy(x => x.c.Stated).ThenBy(x => x.order).Select(x => x.c).ToList();
        double down = 0, eligible = 0;
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            if (minute < firstRecord)
            {
                continue;
            }
            var status = ComponentStatus.Operational;
            foreach (var change in ordered)
            {
                var knownFrom = asRecorded && Limits.IsBackfilled(change.Stated, change.Recorded) && !change.Imported ? change.Recorded : change.Stated;
                if (change.Stated <= minute && knownFrom <= minute)
                {
                    status = change.Status;
                }
            }
            if (status == ComponentStatus.UnderMaintenance)
            {
                continue;
            }
            eligible++;
            down += status == ComponentStatus.MajorOutage ? 1 : status == ComponentStatus.PartialOutage ? 0.3 : 0;
        }
        return (down, eligible);
    }

    private static bool Same(double down, double eligible, UptimeFigure figure) =>
        Math.Abs(down - figure.DowntimeMinutes) < 1e-6
        && Math.Abs(Math.Max(0, eligible) - Math.Max(0, figure.EligibleMinutes)) < 1e-6
        && (eligible <= 0 ? figure.Percent is null : figure.Percent is { } p && Math.Abs(p - 100 * (1 - down / eligible)) < 1e-9);
}
