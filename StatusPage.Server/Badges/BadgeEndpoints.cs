using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Uptime;

namespace StatusPage.Server.Badges;

// SVG badges for READMEs and dashboards: the overall status, a component's status, or its 90-day uptime (?metric=uptime).
internal static class BadgeEndpoints
{
    public const string SvgType = "image/svg+xml; charset=utf-8";

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan UptimeWindow = TimeSpan.FromDays(90);

    public static IHostApplicationBuilder AddBadges(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<HeadCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBadges(this IEndpointRouteBuilder app)
    {
        var badges = app.MapGroup("").WithTags("Badges");
        badges.MapMethods("/badge.svg", ReadMethods.GetAndHead, GetSiteBadge);
        badges.MapMethods("/components/{id}/badge.svg", ReadMethods.GetAndHead, GetComponentBadge);
        return app;
    }

    private static CachedResult GetSiteBadge(LedgerService ledger, HeadCache cache)
    {
        var snapshot = ledger.Current;
        var body = cache.GetOrRender(snapshot, "badge/site", s =>
        {
            var overall = OverallStatus.Of(s);
            if (overall.Indicator == Indicator.Unknown)
            {
                return Unverified("status");
            }
            return Svg("status", overall.Description, overall.Indicator switch
            {
                Indicator.None => BadgeTone.Good,
                Indicator.Minor => BadgeTone.Minor,
                Indicator.Major => BadgeTone.Major,
                Indicator.Critical => BadgeTone.Critical,
                _ => BadgeTone.Maintenance,
            });
        });
        return new CachedResult(body, snapshot.Head.ETag, MaxAge);
    }

    private static Results<CachedResult, NotFound> GetComponentBadge(string id, LedgerService ledger, HeadCache cache,
        TimeProvider time, string? metric = null)
    {
        var snapshot = ledger.Current;
        if (!snapshot.Components.TryGetValue(id, out var component))
        {
            return TypedResults.NotFound();
        }
        if (snapshot.IsReadOnly)
        {
            // Neither a status nor an uptime is derived from a history that failed verification.
            var label = string.Equals(metric, "uptime", StringComparison.Ordinal) ? "uptime 90d" : component.Name;
            return new CachedResult(cache.GetOrRender(snapshot, $"badge/unverified/{id}/{label}", _ => Unverified(label)),
                snapshot.Head.ETag, MaxAge);
        }
        if (string.Equals(metric, "uptime", StringComparison.Ordinal))
        {
            // Uptime moves with the clock as well as the ledger: the hour is part of the key and of the ETag.
            var now = time.GetUtcNow();
            var hour = now.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
            var uptime = cache.GetOrRender(snapshot, $"badge/uptime/{id}/{hour}", _ =>
            {
                var figure = UptimeCalculator.Compute(component, now - UptimeWindow, now);
                return Svg("uptime 90d", figure.Percent is { } p ? UptimeCalculator.Digits(p, CultureInfo.InvariantCulture) + "%" : "n/a",
                    figure.Percent switch
                    {
                        null => BadgeTone.Unknown,
                        >= 99.9 => BadgeTone.Good,
                        >= 99 => BadgeTone.Minor,
                        >= 95 => BadgeTone.Major,
                        _ => BadgeTone.Critical,
                    });
            });
            return new CachedResult(uptime, $"\"{snapshot.Head.ETag.Trim('"')}-{hour}\"", MaxAge);
        }
        var body = cache.GetOrRender(snapshot, "badge/component/" + id, _ => Svg(component.Name,
            FeedItems.Words(component.Status.ToWord()), component.Status switch
            {
                ComponentStatus.Operational => BadgeTone.Good,
                ComponentStatus.DegradedPerformance => BadgeTone.Minor,
                ComponentStatus.PartialOutage => BadgeTone.Major,
                ComponentStatus.MajorOutage => BadgeTone.Critical,
                _ => BadgeTone.Maintenance,
            }));
        return new CachedResult(body, snapshot.Head.ETag, MaxAge);
    }

    private static Representation Unverified(string label) => Svg(label, "unverified", BadgeTone.Unknown);

    private static Representation Svg(string label, string message, BadgeTone tone) =>
        new(new UTF8Encoding(false).GetBytes(BadgeSvg.Render(label, message, tone)), SvgType, LastModified: null);
}
