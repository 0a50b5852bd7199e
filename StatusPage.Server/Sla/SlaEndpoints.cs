using System.Globalization;
using System.Text;
using System.Text.Json;
using StatusPage.Server.HttpCache;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.TransparencyApi;
using StatusPage.Server.Uptime;

namespace StatusPage.Server.Sla;

// The SLA statement as data: /sla.csv (one row per component and month) and /sla.json; the page is SlaPage.razor.
internal static class SlaEndpoints
{
    public const string Formula = "months are calendar months in time_zone; downtime = minutes in major_outage + 0.3 × minutes in partial_outage; " +
        "eligible = minutes in the month from the component's first record (to now for the current month) − minutes under_maintenance; " +
        "uptime = 100 × (1 − downtime ÷ eligible); a month below the " +
        "component's target (the one in force at the month's end, or now for the current month) owes the largest credit among the tiers whose 'below' the uptime is under; " +
        "twelve_months: eligible and downtime minutes summed over the months listed (the current one to date), uptime = 100 × (1 − Σ downtime ÷ Σ eligible), " +
        "not an average of the monthly percentages; its target is the one in force now. Every rule, to recompute these from " +
        "/api/v1/ledger: docs/LEDGER.md section 9 (tools/sla_from_ledger.py).";

    public static IEndpointRouteBuilder MapSla(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/sla.csv", ReadMethods.GetAndHead, GetCsv).WithTags("SLA");
        app.MapMethods("/sla.json", ReadMethods.GetAndHead, GetJson).WithTags("SLA");
        return app;
    }

    private static CachedResult GetCsv(LedgerService ledger, SiteSettingsHolder site, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return Result(ledger.Current, now, Encoding.UTF8.GetBytes(Csv(ledger.Current, site.Current, now)), "text/csv; charset=utf-8");
    }

    private static CachedResult GetJson(LedgerService ledger, SiteSettingsHolder site, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return Result(ledger.Current, now, JsonSerializer.SerializeToUtf8Bytes(Json(ledger.Current, site.Current, now), TransparencyEndpoints.Json),
            "application/json; charset=utf-8");
    }

    // The current month moves with the clock: rendered per request (a pass over each component's status changes), and the
    // validator names the ledger head and the minute.
    private static CachedResult Result(StatusSnapshot snapshot, DateTimeOffset now, byte[] bytes, string type) =>
        new(new Representation(bytes, type, null).Compressed(),
            Invariant($"\"sla-{type[..4]}-{snapshot.Head.Seq}-{now.UtcTicks / TimeSpan.TicksPerMinute:x}\""), TimeSpan.FromSeconds(60), openCors: true);

    public static string Csv(StatusSnapshot snapshot, SiteSettings site, DateTimeOffset now)
    {
        var providers = snapshot.Providers.Keys.Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        csv.Append("month,component_id,component,target,month_complete,period_minutes,maintenance_minutes,eligible_minutes,downtime_minutes,")
            .Append("downtime_internal,downtime_unknown");
        foreach (var provider in providers)
        {
            csv.Append(",downtime_provider_").Append(provider);
        }
        csv.Append(",uptime,below_target,credit_percent\r\n");
        foreach (var month in SlaStatement.Months(snapshot, now, site.TimeZone).Reverse())
        {
            foreach (var row in SlaStatement.For(snapshot, month, site, now))
            {
                csv.Append(Invariant($"{month:yyyy-MM},")).Append(Field(row.Component.Id)).Append(',').Append(Field(row.Component.Name))
                    .Append(Invariant($",{row.Target},{(row.Complete ? "true" : "false")},{Number(row.PeriodMinutes)},{Number(row.MaintenanceMinutes)},"))
                    .Append(Invariant($"{Number(row.EligibleMinutes)},{Number(row.DowntimeMinutes)},{Number(Of(row, "internal"))},{Number(Of(row, "unknown"))}"));
                foreach (var provider in providers)
                {
                    csv.Append(',').Append(Number(Of(row, "provider:" + provider)));
                }
                csv.Append(Invariant($",{(row.Uptime is { } u ? u.ToString("0.0000", CultureInfo.InvariantCulture) : "")},"))
                    .Append(row.BelowTarget ? "true" : "false").Append(',').Append(row.Credit.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }
        }
        return csv.ToString();
    }

    public static SlaJson Json(StatusSnapshot snapshot, SiteSettings site, DateTimeOffset now) => new(
        "statuspage-sla/1", site.TimeZone.Id, Formula,
        [.. site.CreditTiers.Select(t => new TierJson(t.Below, t.Credit))],
        [.. SlaStatement.Months(snapshot, now, site.TimeZone).Select(month =>
        {
            var rows = SlaStatement.For(snapshot, month, site, now);
            return new MonthJson(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), rows.All(r => r.Complete), [.. rows.Select(r => new RowJson(
                r.Component.Id, r.Component.Name, r.Target, Math.Round(r.PeriodMinutes, 1), Math.Round(r.MaintenanceMinutes, 1),
                Math.Round(r.EligibleMinutes, 1), Math.Round(r.DowntimeMinutes, 2),
                r.Downtime.ToDictionary(d => d.Cause, d => Math.Round(d.Minutes, 2)),
                r.Uptime is { } u ? Math.Round(u, 4) : null, r.BelowTarget, r.Credit))]);
        })],
        [.. SlaStatement.TwelveMonths(snapshot, site, now).Select(y => new YearJson(y.Component.Id, y.Component.Name,
            y.From.ToString("yyyy-MM", CultureInfo.InvariantCulture), y.To.ToString("yyyy-MM", CultureInfo.InvariantCulture), y.Months,
            Math.Round(y.EligibleMinutes, 1), Math.Round(y.DowntimeMinutes, 2), y.Uptime is { } u ? Math.Round(u, 4) : null, y.Target,
            y.MonthsBelowTarget))]);

    private static double Of(SlaMonth row, string cause) => row.Downtime.Where(d => d.Cause == cause).Sum(d => d.Minutes);

    private static string Number(double minutes) => minutes.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // RFC 4180: quote a field holding a comma, quote or line break; a leading =, +, - or @ is prefixed so a spreadsheet never runs it.
    private static string Field(string text)
    {
        var safe = text.Length > 0 && "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    public sealed record SlaJson(string Format, string TimeZone, string Formula, IReadOnlyList<TierJson> CreditTiers, IReadOnlyList<MonthJson> Months,
        IReadOnlyList<YearJson> TwelveMonths);

    public sealed record YearJson(string Id, string Name, string From, string To, int Months, double EligibleMinutes, double DowntimeMinutes,
        double? Uptime, decimal? Target, int MonthsBelowTarget);

    public sealed record TierJson(decimal Below, decimal Credit);

    public sealed record MonthJson(string Month, bool Complete, IReadOnlyList<RowJson> Components);

    public sealed record RowJson(string Id, string Name, decimal? Target, double PeriodMinutes, double MaintenanceMinutes, double EligibleMinutes,
        double DowntimeMinutes, IReadOnlyDictionary<string, double> DowntimeByCause, double? Uptime, bool BelowTarget, decimal CreditPercent);
}
