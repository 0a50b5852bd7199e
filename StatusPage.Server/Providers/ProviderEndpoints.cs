using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.Edge;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;
using StatusPage.Server.TransparencyApi;

namespace StatusPage.Server.Providers;

// The provider report, printable (/providers/{id}/report) and as JSON (report.json), over ?from=&to= (days, site time zone).
// The provider page and the index are Razor pages (ProviderPage.razor, ProvidersPage.razor).
internal static class ProviderEndpoints
{
    private const string JsonType = "application/json; charset=utf-8";
    private static readonly DateOnly Earliest = new(1970, 1, 1);
    private static readonly DateOnly Latest = new(9000, 12, 31);

    // The watch of the providers' own status pages (ProviderStatusWatch), also reachable as a service so tests can drive it.
    public static IHostApplicationBuilder AddProviders(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ProviderWatchOptions>(builder.Configuration.GetSection(ProviderWatchOptions.Section));
        builder.Services.AddSingleton<ProviderStatusWatch>();
        builder.AddOutboundService(services => services.GetRequiredService<ProviderStatusWatch>());
        return builder;
    }

    public static IEndpointRouteBuilder MapProviders(this IEndpointRouteBuilder app)
    {
        app.MapGet("/providers/{id}/report", GetReport).WithTags("Providers");
        app.MapGet("/providers/{id}/report.json", GetReportJson).WithTags("Providers");
        return app;
    }

    private static Results<RazorComponentResult<ProviderReportDocument>, NotFound, ProblemHttpResult> GetReport(string id,
        string? from, string? to, LedgerService ledger, LedgerStore store, SiteSettingsHolder site, TimeProvider time)
    {
        var snapshot = ledger.Current;
        if (!snapshot.Providers.TryGetValue(id, out var provider))
        {
            return TypedResults.NotFound();
        }
        var now = time.GetUtcNow();
        if (Period(from, to, site.Current.TimeZone, now) is not { } period)
        {
            return BadPeriod(from, to);
        }
        var report = ProviderReport.Build(snapshot, provider, period, site.Current.TimeZone, now, store, ledger.Transparency);
        return new RazorComponentResult<ProviderReportDocument>(new Dictionary<string, object?> { ["Report"] = report });
    }

    private static Results<CachedResult, NotFound, ProblemHttpResult> GetReportJson(string id, string? from, string? to,
        LedgerService ledger, LedgerStore store, SiteSettingsHolder site, TimeProvider time, HeadCache cache)
    {
        var snapshot = ledger.Current;
        if (!snapshot.Providers.TryGetValue(id, out var provider))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Not found.", RuleCatalogue.NoProvider(id), "id", RuleCatalogue.KnownProvider.Code);
        }
        var now = time.GetUtcNow();
        if (Period(from, to, site.Current.TimeZone, now) is not { } period)
        {
            return BadPeriod(from, to);
        }
        Representation Render(History.StatusSnapshot s) => new(JsonSerializer.SerializeToUtf8Bytes(
            ProviderReport.Build(s, provider, period, site.Current.TimeZone, now, store, ledger.Transparency).ToJson(site.Current.Url),
            TransparencyEndpoints.Json), JsonType, null);
        // While an incident is open its duration moves with the clock: rendered per request, not per ledger head.
        var body = snapshot.UnresolvedIncidents.Any()
            ? Render(snapshot).Compressed()
            : cache.GetOrRender(snapshot, $"provider-report/{id}/{ProviderReport.Day(period.From)}/{ProviderReport.Day(period.To)}", Render);
        return new CachedResult(body, snapshot.Head.ETag, TimeSpan.FromSeconds(10), openCors: true);
    }

    // Both days optional: by default the twelve months up to today (site time zone). Null when a given day is not valid.
    private static ReportPeriod? Period(string? from, string? to, TimeZoneInfo zone, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        DateOnly? f = null, t = null;
        if ((from is not null && (f = Day(from)) is null) || (to is not null && (t = Day(to)) is null))
        {
            return null;
        }
        var end = t ?? (f is { } start && start > today ? start : today);
        var begin = f ?? end.AddYears(-1).AddDays(1);
        return begin <= end ? new ReportPeriod(begin, end) : null;
    }

    private static DateOnly? Day(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day >= Earliest && day <= Latest
            ? day
            : null;

    // Names the field and the rule: a malformed or absurd day, or a period that ends before it begins.
    private static ProblemHttpResult BadPeriod(string? from, string? to)
    {
        var (field, rule, detail) = from is not null && Day(from) is null
            ? ("from", "date", $"from must be a day written yyyy-MM-dd between {ProviderReport.Day(Earliest)} and {ProviderReport.Day(Latest)} (site time zone).")
            : to is not null && Day(to) is null
                ? ("to", "date", $"to must be a day written yyyy-MM-dd between {ProviderReport.Day(Earliest)} and {ProviderReport.Day(Latest)} (site time zone).")
                : ("to", "not_before_from", "to must be the same day as from or later.");
        return Problems.Of(StatusCodes.Status400BadRequest, "Invalid report period.", detail, field, rule);
    }
}
