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

    [Fact]
    public async Task The_component_page_gives_target_and_delivered_over_the_statements_months_as_sla_and_the_json_do()
    {
        var (_, _, page) = await Get("/components/private-network");
        var (_, _, sla) = await Get("/sla");
        var (_, _, json) = await Get("/sla.json");
        var (_, _, french) = await Get("/fr/components/private-network");

        var root = JsonDocument.Parse(json).RootElement;
        var year = root.GetProperty("twelve_months").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "private-network");
        var months = root.GetProperty("months").EnumerateArray().Select(m => Row(m, "private-network")).ToList();
        // Eligible-minute weighted: the minutes summed over the months, not an average of the monthly percentages.
        var eligible = months.Sum(m => m.GetProperty("eligible_minutes").GetDouble());
        var downtime = months.Sum(m => m.GetProperty("downtime_minutes").GetDouble());
        Assert.Equal(8, year.GetProperty("months").GetInt32());
        Assert.Equal(("2026-04", "2026-11"), (year.GetProperty("from").GetString(), year.GetProperty("to").GetString()));
        Assert.Equal(eligible, year.GetProperty("eligible_minutes").GetDouble(), 0.5);
        Assert.Equal(downtime, year.GetProperty("downtime_minutes").GetDouble(), 0.05);
        Assert.Equal(100 * (1 - (downtime / eligible)), year.GetProperty("uptime").GetDouble(), 3);
        Assert.Equal(months.Count(m => m.GetProperty("below_target").GetBoolean()), year.GetProperty("months_below_target").GetInt32());
        var delivered = UptimeCalculator.Digits(year.GetProperty("uptime").GetDouble(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(year.GetProperty("uptime").GetDouble() < 99.9, "August's outages keep the private network below its target");

        Assert.Contains($"Target 99.900 %, delivered {delivered} % over the last 8 calendar months (April 2026 – November 2026, to date).",
            page, StringComparison.Ordinal);
        Assert.Contains("href=\"/sla\"", page[page.IndexOf("sla-delivered", StringComparison.Ordinal)..], StringComparison.Ordinal);
        // The months are the site's: the statement says in which zone they begin and end.
        Assert.Contains("Uptime per component and calendar month in Europe/Paris (UTC", sla, StringComparison.Ordinal);
        var row = sla[sla.IndexOf("id=\"sla-year-private-network\"", StringComparison.Ordinal)..];
        Assert.Contains($"<td class=\"figure\">{delivered} %</td>", row[..row.IndexOf("</tr>", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains($"Objectif 99,900 %, disponibilité fournie {delivered.Replace('.', ',')} % sur les 8 derniers mois civils", french,
            StringComparison.Ordinal);
    }
}
