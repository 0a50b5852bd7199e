using System.Text;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StatusPage.Client.Contracts;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;

namespace StatusPage.Server.Calendar;

// /maintenance.ics: every maintenance window as an event. UID is stable, SEQUENCE is the window's revision, cancelled ones say so.
internal static class MaintenanceCalendar
{
    public const string CalendarType = "text/calendar; charset=utf-8";

    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static IHostApplicationBuilder AddCalendar(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<HeadCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCalendar(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/maintenance.ics", ReadMethods.GetAndHead, GetCalendar).WithTags("Calendar");
        return app;
    }

    private static CachedResult GetCalendar(LedgerService ledger, SiteSettingsHolder site, HeadCache cache)
    {
        var snapshot = ledger.Current;
        var body = cache.GetOrRender(snapshot, "calendar/maintenance", s => Render(s, site.Current));
        return new CachedResult(body, snapshot.Head.ETag, MaxAge);
    }

    public static string Uid(SiteSettings site, string maintenanceId) => $"maintenance-{maintenanceId}@{site.Url.Host}";

    public static Representation Render(StatusSnapshot snapshot, SiteSettings site)
    {
        // Text already in the ledger (or site.yml) may hold control characters: U+FFFD instead, so every client can parse the file.
        var name = SafeText.Clean(site.Name);
        var calendar = new Ical.Net.Calendar { ProductId = $"-//StatusPage//{name} maintenance//EN" };
        calendar.AddProperty("X-WR-CALNAME", $"{name} maintenance");
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        foreach (var m in snapshot.MaintenancesByStart)
        {
            calendar.Events.Add(EventOf(snapshot, site, m));
        }
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        var lastModified = snapshot.Maintenances.Values.Select(m => m.UpdatedAt).DefaultIfEmpty().Max();
        return new Representation(new UTF8Encoding(false).GetBytes(text), CalendarType,
            snapshot.Maintenances.IsEmpty ? null : lastModified);
    }

    private static CalendarEvent EventOf(StatusSnapshot snapshot, SiteSettings site, Maintenance m)
    {
        var link = SiteLinks.Maintenance(site, m.Id);
        var components = string.Join(", ", m.ComponentIds.Select(id => snapshot.Components.TryGetValue(id, out var c) ? c.Name : id));
        var latest = m.Posts.LastOrDefault(p => p.IsStatusUpdate);
        var description = new StringBuilder()
            .Append("Status: ").Append(FeedItems.Words(m.Status.ToWord())).Append('\n')
            .Append("Components: ").Append(components).Append('\n');
        if (latest is not null)
        {
            description.Append('\n').Append(latest.Redaction is { } r ? $"Redacted: {r.Reason}" : latest.Body).Append('\n');
        }
        description.Append('\n').Append(link.AbsoluteUri);
        // DTSTAMP is the last change, not the time of the request, so the same head always renders the same bytes.
        return new CalendarEvent
        {
            Uid = Uid(site, m.Id),
            Sequence = m.Revision,
            Summary = SafeText.Clean(m.Status == MaintenanceStatus.Cancelled ? $"Cancelled: {m.Title}" : m.Title),
            Description = SafeText.Clean(description.ToString()),
            DtStart = Utc(m.ScheduledFor),
            DtEnd = Utc(m.ScheduledUntil),
            DtStamp = Utc(m.UpdatedAt),
            Created = Utc(m.CreatedAt),
            LastModified = Utc(m.UpdatedAt),
            Url = link,
            Status = m.Status == MaintenanceStatus.Cancelled ? "CANCELLED" : "CONFIRMED",
            Transparency = "TRANSPARENT",
        };
    }

    private static CalDateTime Utc(DateTimeOffset time) => new(time.UtcDateTime, "UTC");
}
