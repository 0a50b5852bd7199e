using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.Uptime;

namespace StatusPage.Tests.Http;

// The SLA statement over the demo (fixed clock 24 Nov 2026): per component and month, downtime by cause, maintenance
// excluded, uptime against the target, and the credit the tiers in site.yml owe; the page, CSV and JSON agree.
public sealed class SlaTests(DemoServer server) : IClassFixture<DemoServer>
{
    private async Task<(HttpStatusCode Status, string? Type, string Body)> Get(string path)
    {
        using var client = server.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> Month(string month)
    {
        var (status, type, body) = await Get("/sla.json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        return JsonDocument.Parse(body).RootElement.GetProperty("months").EnumerateArray().Single(m => m.GetProperty("month").GetString() == month);
    }

    private static JsonElement Row(JsonElement month, string component) =>
        month.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("id").GetString() == component);

    [Fact]
    public async Task August_owes_a_credit_on_the_private_network_whose_downtime_halden_caused()
    {
        var august = Row(await Month("2026-08"), "private-network");

        Assert.True(august.GetProperty("below_target").GetBoolean());
        Assert.Equal(99.9m, august.GetProperty("target").GetDecimal());
        Assert.InRange(august.GetProperty("uptime").GetDouble(), 99.0, 99.9);
        Assert.Equal(10m, august.GetProperty("credit_percent").GetDecimal());
        var byCause = august.GetProperty("downtime_by_cause");
        Assert.True(byCause.GetProperty("provider:halden").GetDouble() > 0);
        Assert.Equal(august.GetProperty("downtime_minutes").GetDouble(),
            byCause.EnumerateObject().Sum(c => c.Value.GetDouble()), 1);
    }

    [Fact]
    public async Task Maintenance_minutes_are_not_eligible_and_the_figures_are_the_uptime_formulas()
    {
        var october = Row(await Month("2026-10"), "private-network");
        var snapshot = server.Factory.Services.GetRequiredService<StatusPage.Server.History.LedgerService>().Current;
        var component = snapshot.Components["private-network"];
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var expected = UptimeCalculator.Compute(component, UptimeCalculator.StartOfDay(new DateOnly(2026, 10, 1), zone),
            UptimeCalculator.StartOfDay(new DateOnly(2026, 11, 1), zone));

        Assert.True(october.GetProperty("maintenance_minutes").GetDouble() > 0, "the switch firmware maintenance of 6 October");
        Assert.Equal(october.GetProperty("period_minutes").GetDouble() - october.GetProperty("maintenance_minutes").GetDouble(),
            october.GetProperty("eligible_minutes").GetDouble(), 1);
        Assert.Equal(expected.EligibleMinutes, october.GetProperty("eligible_minutes").GetDouble(), 1);
        Assert.Equal(expected.DowntimeMinutes, october.GetProperty("downtime_minutes").GetDouble(), 1);
        Assert.Equal(expected.Percent!.Value, october.GetProperty("uptime").GetDouble(), 3);
    }

    [Fact]
    public async Task The_csv_has_one_row_per_component_and_month_with_the_same_credit_as_the_json()
    {
        var (status, type, csv) = await Get("/sla.csv");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv", type);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal("month", header[0]);
        Assert.Contains("downtime_provider_halden", header);
        // From April 2026 (the first recorded incident) to November (to date): 8 months, 6 components with a target.
        Assert.Equal(1 + (8 * 6), lines.Length);
        Assert.StartsWith("2026-04,", lines[1], StringComparison.Ordinal);
        var august = lines.Single(l => l.StartsWith("2026-08,private-network,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("true", august[Array.IndexOf(header, "below_target")]);
        Assert.Equal("10", august[Array.IndexOf(header, "credit_percent")]);
        Assert.Equal("true", august[Array.IndexOf(header, "month_complete")]);
        var november = lines.Single(l => l.StartsWith("2026-11,private-network,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("false", november[Array.IndexOf(header, "month_complete")]);
    }

    [Fact]
    public async Task The_sla_page_shows_the_credit_and_a_month_page_shows_only_that_month()
    {
        var (status, _, page) = await Get("/sla");
        var (monthStatus, _, august) = await Get("/sla/2026/08");
        var (outside, _, _) = await Get("/sla/2024/01");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>SLA statement</h1>", page, StringComparison.Ordinal);
        Assert.Contains("below 99.90 %: 10 %", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/sla/2026/08\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, monthStatus);
        Assert.Contains("August 2026", august, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/sla/2026/07\"", august, StringComparison.Ordinal);
        Assert.Contains("<td>10 %</td>", august, StringComparison.Ordinal);
        Assert.Contains("Halden Hosting: ", august, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, outside);
    }
}
