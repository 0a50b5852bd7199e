using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;

namespace StatusPage.Server.StatusApi;

// The Statuspage-compatible public read API (/api/v2): open CORS, rendered once per ledger head, ETag = ledger head.
internal static class StatusApiEndpoints
{
    private const string JsonType = "application/json; charset=utf-8";

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    public static IHostApplicationBuilder AddStatusApi(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<HeadCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v2").WithTags("Statuspage v2");
        api.MapMethods("/summary.json", ReadMethods.GetAndHead, GetSummary);
        api.MapMethods("/status.json", ReadMethods.GetAndHead, GetStatus);
        api.MapMethods("/components.json", ReadMethods.GetAndHead, GetComponents);
        api.MapMethods("/incidents.json", ReadMethods.GetAndHead, GetIncidents);
        api.MapMethods("/incidents/unresolved.json", ReadMethods.GetAndHead, GetUnresolvedIncidents);
        api.MapMethods("/scheduled-maintenances.json", ReadMethods.GetAndHead, GetMaintenances);
        api.MapMethods("/scheduled-maintenances/upcoming.json", ReadMethods.GetAndHead, GetUpcomingMaintenances);
        api.MapMethods("/scheduled-maintenances/active.json", ReadMethods.GetAndHead, GetActiveMaintenances);
        return app;
    }

    private static CachedResult GetSummary(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "summary", v => new V2Summary(v.Page(), v.Status(), v.Components(), v.UnresolvedIncidents(),
            v.UpcomingAndActiveMaintenances(), v.Integrity()));

    private static CachedResult GetStatus(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "status", v => new V2StatusResponse(v.Page(), v.Status(), v.Integrity()));

    private static CachedResult GetComponents(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "components", v => new V2ComponentsResponse(v.Page(), v.Components(), v.Integrity()));

    private static CachedResult GetIncidents(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "incidents", v => new V2IncidentsResponse(v.Page(), v.AllIncidents(), v.Integrity()));

    private static CachedResult GetUnresolvedIncidents(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "incidents/unresolved", v => new V2IncidentsResponse(v.Page(), v.UnresolvedIncidents(), v.Integrity()));

    private static CachedResult GetMaintenances(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "scheduled-maintenances", v => new V2MaintenancesResponse(v.Page(), v.AllMaintenances(), v.Integrity()));

    private static CachedResult GetUpcomingMaintenances(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "scheduled-maintenances/upcoming",
            v => new V2MaintenancesResponse(v.Page(), v.UpcomingMaintenances(), v.Integrity()));

    private static CachedResult GetActiveMaintenances(LedgerService ledger, SiteSettingsHolder site, HeadCache cache) =>
        Render(ledger, site, cache, "scheduled-maintenances/active",
            v => new V2MaintenancesResponse(v.Page(), v.ActiveMaintenances(), v.Integrity()));

    private static CachedResult Render<T>(LedgerService ledger, SiteSettingsHolder site, HeadCache cache, string name,
        Func<V2Projection, T> shape)
    {
        var snapshot = ledger.Current;
        var body = cache.GetOrRender(snapshot, "api/v2/" + name, s =>
        {
            var view = new V2Projection(s, site.Current);
            return new Representation(JsonSerializer.SerializeToUtf8Bytes(shape(view), V2Json.Options), JsonType, view.LastChange());
        });
        return new CachedResult(body, snapshot.Head.ETag, MaxAge, openCors: true);
    }
}
