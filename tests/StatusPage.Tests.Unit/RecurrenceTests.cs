using Microsoft.Extensions.Logging.Abstractions;
using StatusPage.Server.Content;
using StatusPage.Server.Recurrence;
using StatusPage.Server.Site;
using Xunit.Abstractions;

namespace StatusPage.Tests.Unit;

// The recurrence detector against synthetic histories with a known truth, and against the demo history.
public sealed class RecurrenceTests(ITestOutputHelper output)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly DateTimeOffset YearStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RecurrenceEvent At(int i, DateTimeOffset at) => new($"i{i}", at);

    private static DateTimeOffset RandomTime(Random random) => YearStart.AddSeconds(random.NextDouble() * 365 * 86400);

    [Fact]
    public void The_binomial_tail_matches_exact_values_and_does_not_underflow()
    {
        Assert.Equal(Math.Log(0.5), RecurrenceDetector.LogUpperTail(2, 3, 0.5), 12);
        Assert.Equal(Math.Log(1 - Math.Pow(0.9, 10)), RecurrenceDetector.LogUpperTail(1, 10, 0.1), 12);
        Assert.Equal(0, RecurrenceDetector.LogUpperTail(0, 10, 0.1));
        Assert.Equal(-60, RecurrenceDetector.Log10UpperTail(30, 30, 0.01), 9);
        Assert.Equal(-400, RecurrenceDetector.Log10UpperTail(200, 200, 0.01), 9);
        var direct = Math.Log10((18 * Math.Pow(1.0 / 60, 17) * 59 / 60) + Math.Pow(1.0 / 60, 18));
        Assert.Equal(direct, RecurrenceDetector.Log10UpperTail(17, 18, 1.0 / 60), 9);
    }

    [Fact]
    public void The_correction_counts_every_bin_of_every_kind_and_every_window_of_every_period()
    {
        // 60 minutes + 24 local hours + 24 UTC hours + 7 weekdays + 60 windows per hour of each period from 2 to 72 hours.
        Assert.Equal(60 + 24 + 24 + 7 + (60 * Enumerable.Range(2, 71).Sum()), RecurrenceDetector.TestsTried(RecurrenceOptions.Default, utcIsLocal: false));
        Assert.Equal(157_735, RecurrenceDetector.TestsTried(RecurrenceOptions.Default, utcIsLocal: false));
        Assert.Equal(157_711, RecurrenceDetector.TestsTried(RecurrenceOptions.Default, utcIsLocal: true));
    }

    [Fact]
    public void A_true_minute_of_hour_pattern_is_found()
    {
        var random = new Random(14);
        var events = Enumerable.Range(0, 12).Select(i =>
            {
                var t = RandomTime(random);
                return At(i, new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 23, random.Next(60), TimeSpan.Zero));
            })
            .Concat(Enumerable.Range(12, 6).Select(i => At(i, RandomTime(random))))
            .ToList();

        var report = RecurrenceDetector.Detect("Private network", events, TimeZoneInfo.Utc);

        var finding = Assert.Single(report.Findings, f => f.Kind == RecurrenceKind.MinuteOfHour);
        Assert.Equal(23, finding.Bin);
        Assert.True(finding.Hits >= 12, $"{finding.Hits} hits");
        Assert.Equal(18, finding.Counted);
        Assert.All(finding.Matching, e => Assert.Equal(23, e.At.Minute));
        Assert.True(finding.OddsExponent >= 3);
    }

    [Fact]
    public void A_report_is_reused_only_for_the_very_same_events_and_follows_any_change_of_them()
    {
        var random = new Random(15);
        var label = $"Group {Guid.NewGuid():N}"; // its own group: test classes run in parallel
        List<RecurrenceEvent> events = [.. Enumerable.Range(0, 10).Select(i =>
        {
            var t = RandomTime(random);
            return At(i, new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 41, 0, TimeSpan.Zero));
        })];

        var first = RecurrenceDetector.Detect(label, events, Paris);
        Assert.Same(first, RecurrenceDetector.Detect(label, [.. events], Paris));

        // The same instant stated with another offset: the report shows the times it was given, so it is made again.
        List<RecurrenceEvent> restated = [.. events.Select((e, i) => i == 3 ? e with { At = e.At.ToOffset(TimeSpan.FromHours(2)) } : e)];
        var again = RecurrenceDetector.Detect(label, restated, Paris);
        Assert.NotSame(first, again);
        Assert.Contains(again.Findings.Single(f => f.Kind == RecurrenceKind.MinuteOfHour).Matching, e => e.At.Offset == TimeSpan.FromHours(2));

        // One start moved off the pattern: one hit fewer, as a detection from scratch says.
        List<RecurrenceEvent> moved = [.. events.Select((e, i) => i == 3 ? e with { At = e.At.AddMinutes(-20) } : e)];
        var after = RecurrenceDetector.Detect(label, moved, Paris).Findings.Single(f => f.Kind == RecurrenceKind.MinuteOfHour);
        Assert.Equal(first.Findings.Single(f => f.Kind == RecurrenceKind.MinuteOfHour).Hits - 1, after.Hits);
        var fresh = RecurrenceDetector.Detect($"{label} fresh", moved, Paris).Findings.Single(f => f.Kind == RecurrenceKind.MinuteOfHour);
        Assert.Equal((fresh.Bin, fresh.Hits, fresh.Log10Corrected), (after.Bin, after.Hits, after.Log10Corrected));
        Assert.Equal(fresh.Matching.Select(e => e.Id), after.Matching.Select(e => e.Id));
    }

    [Fact]
    public void Fewer_than_5_incidents_or_4_matching_are_never_reported()
    {
        var four = Enumerable.Range(0, 4).Select(i => At(i, YearStart.AddDays(i * 3).AddHours(i).AddMinutes(56))).ToList();
        Assert.Empty(RecurrenceDetector.Detect("x", four, TimeZoneInfo.Utc).Findings);

        // Three of five at :56 is 1 in ~5,000 before correction: below both the minimum hits and the corrected threshold.
        var five = four.Take(3).Concat([At(8, YearStart.AddDays(40).AddMinutes(7)), At(9, YearStart.AddDays(50).AddMinutes(31))]).ToList();
        Assert.DoesNotContain(RecurrenceDetector.Detect("x", five, TimeZoneInfo.Utc).Findings, f => f.Kind == RecurrenceKind.MinuteOfHour);
    }

    [Fact]
    public void An_outage_recorded_as_several_incidents_within_an_hour_counts_once()
    {
        // Five incidents within 40 minutes: without merging, every 72-hour cycle would hold all five in one window.
        var burst = Enumerable.Range(0, 5).Select(i => At(i, YearStart.AddDays(10).AddMinutes(i * 10))).ToList();

        var report = RecurrenceDetector.Detect("x", burst, TimeZoneInfo.Utc);

        Assert.Equal(1, report.Counted);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Uniform_noise_is_reported_in_fewer_than_1_percent_of_2000_random_histories()
    {
        var random = new Random(20261202);
        const int histories = 2000;
        var reported = 0;
        var byKind = new Dictionary<RecurrenceKind, int>();
        for (var h = 0; h < histories; h++)
        {
            var n = random.Next(10, 41);
            var events = Enumerable.Range(0, n).Select(i => At(i, RandomTime(random))).ToList();
            var report = RecurrenceDetector.Detect("noise", events, Paris);
            if (!report.Findings.IsEmpty)
            {
                reported++;
                foreach (var f in report.Findings)
                {
                    byKind[f.Kind] = byKind.GetValueOrDefault(f.Kind) + 1;
                }
            }
        }

        output.WriteLine($"false positives: {reported} of {histories} random histories ({100.0 * reported / histories:F2} %); by kind: {string.Join(", ", byKind)}");
        Assert.True(reported < histories / 100, $"{reported} of {histories} random histories reported a pattern");
    }

    [Fact]
    public void A_pattern_every_7_hours_with_5_minutes_of_jitter_is_found_and_its_period_named()
    {
        var random = new Random(7);
        var origin = new DateTimeOffset(2026, 3, 1, 4, 13, 0, TimeSpan.Zero);
        var cycles = Enumerable.Range(0, 600).OrderBy(_ => random.Next()).Take(16).Order().ToList();
        var events = cycles.Select((c, i) => At(i, origin.AddHours(7 * c).AddSeconds(random.Next(-300, 301)))).ToList();

        var report = RecurrenceDetector.Detect("Private network", events, Paris);

        var finding = Assert.Single(report.Findings, f => f.Kind == RecurrenceKind.Period);
        Assert.Equal(7, finding.PeriodHours);
        Assert.Equal(16, finding.Hits);
        Assert.NotNull(finding.Anchor);
        var drift = (finding.Anchor.Value - origin).TotalMinutes % (7 * 60);
        Assert.True(Math.Min(Math.Abs(drift), (7 * 60) - Math.Abs(drift)) <= 10, $"anchor {finding.Anchor} is {drift} min off the cycle");
        Assert.Equal(report.Findings[0], finding);
        // A new start on the cycle (within the ±10 min window) falls on the pattern; one half an hour off does not.
        var next = origin.AddHours(7 * 700);
        Assert.True(RecurrenceDetector.Covers(finding, next.AddMinutes(4), Paris));
        Assert.False(RecurrenceDetector.Covers(finding, next.AddMinutes(30), Paris));
    }

    [Fact]
    public void An_hour_of_day_pattern_in_the_site_zone_is_found_across_a_daylight_saving_change()
    {
        // 09:xx in Paris every 9 days from February to May: 08:xx UTC before 29 March, 07:xx UTC after.
        var events = Enumerable.Range(0, 12).Select(i =>
            {
                var day = new DateTime(2026, 2, 2).AddDays(9 * i);
                var local = new DateTime(day.Year, day.Month, day.Day, 9, (i * 17) % 60, 0, DateTimeKind.Unspecified);
                return At(i, new DateTimeOffset(local, Paris.GetUtcOffset(local)));
            })
            .ToList();
        Assert.Contains(events, e => e.At.UtcDateTime.Hour == 8);
        Assert.Contains(events, e => e.At.UtcDateTime.Hour == 7);

        var report = RecurrenceDetector.Detect("Query API", events, Paris);

        var finding = Assert.Single(report.Findings, f => f.Kind == RecurrenceKind.HourOfDayLocal);
        Assert.Equal(9, finding.Bin);
        Assert.Equal(12, finding.Hits);
        Assert.DoesNotContain(report.Findings, f => f.Kind == RecurrenceKind.HourOfDayUtc);
    }

    [Fact]
    public async Task The_demo_private_network_incidents_show_the_56_pattern_and_the_provider_too()
    {
        using var t = TestLedger.Create(seed: false);
        var site = new SiteSettingsHolder();
        var ingest = await new ContentIngestor(t.Ledger, site, NullLogger<ContentIngestor>.Instance).IngestAsync(TestPaths.RepositoryContent);
        Assert.True(ingest.Problems.IsEmpty, string.Join("\n", ingest.Problems));

        var network = RecurrenceFindings.ForComponent(t.State, "private-network", Paris);
        var halden = RecurrenceFindings.ForProvider(t.State, "halden", Paris);
        foreach (var report in t.State.Components.Keys.Order().Select(id => RecurrenceFindings.ForComponent(t.State, id, Paris))
            .Concat(t.State.Providers.Keys.Order().Select(id => RecurrenceFindings.ForProvider(t.State, id, Paris))))
        {
            foreach (var f in report.Findings)
            {
                output.WriteLine($"{report.Label}: {f.Kind} {f.Bin} (period {f.PeriodHours} h): {f.Hits} of {f.Counted}, p = 10^{f.Log10P:F1}, corrected 10^{f.Log10Corrected:F1}, less than 1 in 10^{f.OddsExponent}");
            }
        }

        var minute = network.Findings[0];
        Assert.Equal("Private network between data centers", network.Label);
        Assert.Equal((RecurrenceKind.MinuteOfHour, 56, 17, 18), (minute.Kind, minute.Bin, minute.Hits, minute.Counted));
        Assert.True(minute.OddsExponent >= 15, $"1 in 10^{minute.OddsExponent}");
        Assert.DoesNotContain(minute.Matching, e => e.Id == "2026-08-19-fra1-region-reboot");
        var provider = halden.Findings[0];
        Assert.Equal((RecurrenceKind.MinuteOfHour, 56, 17, 19), (provider.Kind, provider.Bin, provider.Hits, provider.Counted));
        Assert.Empty(RecurrenceFindings.ForComponent(t.State, "query-api", Paris).Findings);

        // The 2 September incident began at :56 too: it falls on the component's pattern and on Halden's, after the earlier matching starts.
        var september = t.State.Incidents.Values.Where(i => i.ComponentIds.Contains("private-network") && i.StartedAt.Month == 9)
            .OrderBy(i => i.StartedAt).First();
        var matches = RecurrenceFindings.ForIncident(t.State, september, Paris);
        Assert.Equal([RecurrenceScope.Component, RecurrenceScope.Provider], matches.Select(m => m.Scope));
        Assert.All(matches, m => Assert.Equal(1 + m.Finding.Matching.Count(e => e.At < september.StartedAt), m.Occurrence));
        Assert.Empty(RecurrenceFindings.ForIncident(t.State, t.State.Incidents["2026-08-19-fra1-region-reboot"], Paris));
    }
}
