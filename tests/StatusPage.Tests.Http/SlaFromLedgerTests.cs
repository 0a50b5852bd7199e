using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace StatusPage.Tests.Http;

// The published SLA figures, recomputed by a third party: tools/sla_from_ledger.py reads only the public ledger, the site's
// time zone and the formula as docs/LEDGER.md states it (no code of ours), and must find what sla.json and the component
// pages publish, for the demo on a fixed clock.
public sealed class SlaFromLedgerTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    [Fact]
    public async Task Every_closed_month_and_the_twelve_month_figure_recomputed_from_the_public_ledger_match_what_the_site_publishes()
    {
        await using var server = new StatusPageFactory(time: new FakeTimeProvider(StatusPageFactory.DemoNow));
        using var client = server.CreateClient();
        var dir = Directory.CreateTempSubdirectory("statuspage-sla-").FullName;
        try
        {
            var ledger = Path.Combine(dir, "ledger.ndjson");
            await File.WriteAllTextAsync(ledger, await client.GetStringAsync(new Uri("/api/v1/ledger", UriKind.Relative)));
            using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v2/status.json", UriKind.Relative)));
            var zone = status.RootElement.GetProperty("page").GetProperty("time_zone").GetString()!;
            Assert.Equal("Europe/Paris", zone);
            using var published = JsonDocument.Parse(await client.GetStringAsync(new Uri("/sla.json", UriKind.Relative)));
            using var recomputed = JsonDocument.Parse(RunTool(ledger, zone, "2026-11-24T12:00:00Z"));

            var theirs = recomputed.RootElement.GetProperty("months").EnumerateArray().ToDictionary(m => m.GetProperty("month").GetString()!);
            var ours = published.RootElement.GetProperty("months").EnumerateArray().ToList();
            Assert.Equal(ours.Select(m => m.GetProperty("month").GetString()).Order(), theirs.Keys.Order());
            var closed = ours.Where(m => m.GetProperty("complete").GetBoolean()).ToList();
            Assert.Equal(7, closed.Count);
            var rows = 0;
            // Every closed month, and the current one to date (the clock is fixed): each component, each figure as sla.json
            // rounds it.
            foreach (var month in ours)
            {
                var name = month.GetProperty("month").GetString()!;
                var recomputedRows = theirs[name].GetProperty("components").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
                var publishedRows = month.GetProperty("components").EnumerateArray().ToList();
                Assert.Equal(publishedRows.Select(r => r.GetProperty("id").GetString()).Order(), recomputedRows.Keys.Order());
                foreach (var row in publishedRows)
                {
                    var id = row.GetProperty("id").GetString()!;
                    var mine = recomputedRows[id];
                    var where = $"{name} {id}";
                    Assert.True(row.GetProperty("target").GetDecimal() == mine.GetProperty("target").GetDecimal(), where);
                    Assert.True(row.GetProperty("period_minutes").GetDouble() == Round(mine, "period_minutes", 1), where);
                    Assert.True(row.GetProperty("maintenance_minutes").GetDouble() == Round(mine, "maintenance_minutes", 1), where);
                    Assert.True(row.GetProperty("eligible_minutes").GetDouble() == Round(mine, "eligible_minutes", 1), where);
                    Assert.True(row.GetProperty("downtime_minutes").GetDouble() == Round(mine, "downtime_minutes", 2), where);
                    Assert.True(Uptime(row) == Uptime(mine, 4), $"{where}: published {row.GetProperty("uptime")}, recomputed {mine.GetProperty("uptime")}");
                    rows++;
                }
            }
            Assert.Equal(8 * 6, rows);
            // The demo has downtime to recompute: a month where some component is below 100 %.
            Assert.Contains(ours.SelectMany(m => m.GetProperty("components").EnumerateArray()), r => Uptime(r) < 99.9);

            var twelve = recomputed.RootElement.GetProperty("twelve_months").EnumerateArray().ToDictionary(y => y.GetProperty("id").GetString()!);
            foreach (var year in published.RootElement.GetProperty("twelve_months").EnumerateArray())
            {
                var id = year.GetProperty("id").GetString()!;
                var mine = twelve[id];
                Assert.Equal(year.GetProperty("months").GetInt32(), mine.GetProperty("months").GetInt32());
                Assert.True(Uptime(year) == Uptime(mine, 4), id);
                // The component page's "delivered" figure: three decimals, rounded down.
                var page = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/components/{id}", UriKind.Relative)));
                var delivered = Math.Floor((decimal)mine.GetProperty("uptime").GetDouble() * 1000) / 1000;
                Assert.Contains($", delivered {delivered.ToString("0.000", English)} % over the last {mine.GetProperty("months").GetInt32()} calendar months", page, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Round(JsonElement row, string name, int digits) => Math.Round(row.GetProperty(name).GetDouble(), digits);

    // null: no eligible minute (a month before the component's first record).
    private static double? Uptime(JsonElement row, int? digits = null) => row.GetProperty("uptime") is { ValueKind: JsonValueKind.Number } u
        ? digits is { } d ? Math.Round(u.GetDouble(), d) : u.GetDouble()
        : null;

    private static string RunTool(params string[] args)
    {
        var (exit, output, error) = ChildProcess.Tool("sla_from_ledger.py", args);
        Assert.True(exit == 0, error);
        return output;
    }
}
