using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Unit;

public sealed class UptimeCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static ServiceComponent Component(params (double Minutes, ComponentStatus Status)[] changes) =>
        new("c", "C", null, null, 99.9m, 0, T0, T0,
            [.. changes.Select((c, i) => new StatusChange(T0.AddMinutes(c.Minutes), c.Status, "inc", i))]);

    [Fact]
    public void A_component_that_never_changed_is_fully_up()
    {
        var figure = UptimeCalculator.Compute(Component(), T0, T0.AddDays(1));

        Assert.Equal(100, figure.Percent);
        Assert.Equal(0, figure.DowntimeMinutes);
        Assert.Equal(1440, figure.EligibleMinutes);
    }

    [Fact]
    public void Major_outage_minutes_count_fully_and_partial_outage_minutes_count_three_tenths()
    {
        // 60 min major, then 100 min partial, then operational, over one day.
        var component = Component((60, ComponentStatus.MajorOutage), (120, ComponentStatus.PartialOutage), (220, ComponentStatus.Operational));

        var figure = UptimeCalculator.Compute(component, T0, T0.AddDays(1));

        Assert.Equal(60 + 0.3 * 100, figure.DowntimeMinutes, precision: 6);
        Assert.Equal(100 * (1 - 90.0 / 1440), figure.Percent!.Value, precision: 6);
    }

    [Fact]
    public void Degraded_performance_counts_as_up_and_maintenance_is_not_eligible()
    {
        var component = Component((0, ComponentStatus.DegradedPerformance), (100, ComponentStatus.UnderMaintenance),
            (340, ComponentStatus.MajorOutage), (400, ComponentStatus.Operational));

        var figure = UptimeCalculator.Compute(component, T0, T0.AddDays(1));

        Assert.Equal(60, figure.DowntimeMinutes, precision: 6);
        Assert.Equal(1440 - 240, figure.EligibleMinutes, precision: 6);
        Assert.Equal(100 * (1 - 60.0 / 1200), figure.Percent!.Value, precision: 6);
    }

    [Fact]
    public void A_status_that_began_before_the_window_counts_from_the_window_start()
    {
        var component = Component((-30, ComponentStatus.MajorOutage), (30, ComponentStatus.Operational));

        var figure = UptimeCalculator.Compute(component, T0, T0.AddHours(1));

        Assert.Equal(30, figure.DowntimeMinutes, precision: 6);
    }

    [Fact]
    public void A_window_entirely_under_maintenance_has_no_uptime_figure()
    {
        var component = Component((-10, ComponentStatus.UnderMaintenance));

        Assert.Null(UptimeCalculator.Compute(component, T0, T0.AddHours(2)).Percent);
    }

    [Fact]
    public void Each_day_of_the_bar_shows_its_worst_status_and_the_incidents_that_touched_it()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        // 2 Nov 23:30 UTC is 3 Nov 00:30 in Paris: the outage belongs to Paris's 3 November.
        var component = Component((2 * 1440 - 30, ComponentStatus.PartialOutage), (2 * 1440 + 30, ComponentStatus.DegradedPerformance),
            (2 * 1440 + 90, ComponentStatus.Operational));
        var incident = new Incident("inc", "Storage slow", Impact.Major, ["c"], T0.AddMinutes(2 * 1440 - 30), Cause.Unknown,
            [], T0, T0, "ops");
        var snapshot = StatusSnapshot.Empty with
        {
            Components = ImmutableDictionary<string, ServiceComponent>.Empty.Add("c", component),
            Incidents = ImmutableDictionary<string, Incident>.Empty.Add("inc", incident),
        };

        var days = UptimeCalculator.Days(snapshot, component, paris, T0.AddDays(5), 5);

        Assert.Equal(5, days.Length);
        Assert.Equal(new DateOnly(2026, 11, 6), days[^1].Date);
        var third = days.Single(d => d.Date == new DateOnly(2026, 11, 3));
        Assert.Equal(ComponentStatus.PartialOutage, third.Worst);
        Assert.Equal("inc", Assert.Single(third.Incidents).Id);
        Assert.All(days.Where(d => d.Date != third.Date && d.Date != new DateOnly(2026, 11, 2)),
            d => Assert.Equal(ComponentStatus.Operational, d.Worst));
    }

    [Fact]
    public void Minutes_before_the_component_was_first_recorded_are_not_eligible()
    {
        var component = Component() with { CreatedAt = T0.AddHours(12) };

        var figure = UptimeCalculator.Compute(component, T0, T0.AddDays(1));

        Assert.Equal(720, figure.EligibleMinutes);
        Assert.Null(UptimeCalculator.Compute(component, T0, T0.AddHours(12)).Percent);
    }

    [Fact]
    public void History_stated_before_the_declaration_makes_the_first_record_earlier()
    {
        var component = Component((-120, ComponentStatus.MajorOutage), (-60, ComponentStatus.Operational));

        var figure = UptimeCalculator.Compute(component, T0.AddDays(-1), T0.AddHours(1));

        Assert.Equal(T0.AddMinutes(-120), UptimeCalculator.EligibleFrom(component));
        Assert.Equal(180, figure.EligibleMinutes, precision: 6);
        Assert.Equal(60, figure.DowntimeMinutes, precision: 6);
    }

    [Theory]
    [InlineData(100.0, "100.000")]
    [InlineData(99.95, "99.950")]
    [InlineData(99.99969, "99.999")]
    [InlineData(99.0, "99.000")]
    public void Figures_have_three_decimals_rounded_down(double percent, string shown) =>
        Assert.Equal(shown, UptimeCalculator.Digits(percent, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void The_figures_end_at_the_start_of_the_current_minute() =>
        Assert.Equal(T0.AddMinutes(61), UptimeCalculator.AsOf(T0.AddMinutes(61).AddSeconds(59.9)));

    [Fact]
    public void An_incident_started_within_the_tolerance_ahead_of_the_clock_touches_the_day_it_starts()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var now = new DateTimeOffset(2026, 11, 2, 22, 59, 30, TimeSpan.Zero); // 23:59:30 in Paris
        var startedAt = now.AddSeconds(50);                                    // 3 Nov in Paris

        Assert.Equal([new DateOnly(2026, 11, 3)], UptimeCalculator.DaysTouched(startedAt, now, paris, now));
        Assert.Equal([new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 3)],
            UptimeCalculator.DaysTouched(now.AddHours(-1), startedAt, paris, now));
    }

    [Fact]
    public void Days_touched_are_bounded_to_the_plausible_range_whatever_the_stored_times()
    {
        var now = T0;
        var days = UptimeCalculator.DaysTouched(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TimeZoneInfo.Utc, now).ToList();

        Assert.Equal(new DateOnly(2000, 1, 1), days[0]);
        Assert.Equal(DateOnly.FromDateTime((now + Limits.PlanningHorizon).UtcDateTime), days[^1]);
    }

    [Fact]
    public void A_backfilled_change_is_named_on_every_day_whose_status_it_set_but_imported_history_is_not()
    {
        var backfilled = new StatusChange(T0.AddHours(-30), ComponentStatus.Operational, null, 5, T0.AddHours(2), "alice");
        var imported = new StatusChange(T0.AddHours(-50), ComponentStatus.MajorOutage, "inc", 1, T0, "content/incidents/a.md");
        var component = new ServiceComponent("c", "C", null, null, null, 0, T0.AddDays(-5), T0, [imported, backfilled]);

        Assert.Empty(UptimeCalculator.BackfilledIn(component, T0.AddHours(-54), T0.AddHours(-31)));
        Assert.Same(backfilled, Assert.Single(UptimeCalculator.BackfilledIn(component, T0.AddHours(-31), T0.AddHours(-29))));
        Assert.Same(backfilled, Assert.Single(UptimeCalculator.BackfilledIn(component, T0, T0.AddHours(1)))); // still in force
    }
}
