using System.Globalization;
using System.Text.Json;

namespace StatusPage.Client.Console;

// The console's one source of "now" (an injected TimeProvider), and how it shows a time: in the site's time zone (what
// customers read on the public page) and, when it differs, in the operator's own (the browser's zone).
public sealed class ConsoleClock(TimeProvider time)
{
    private sealed record StatusDocument(SitePage? Page);

    private sealed record SitePage(string? TimeZone);

    public TimeZoneInfo SiteZone { get; private set; } = TimeZoneInfo.Utc;

    public TimeZoneInfo OwnZone { get; set; } = TimeZoneInfo.Local;

    public DateTimeOffset Now => time.GetUtcNow();

    // The site's zone comes from the public read API (page.time_zone, an IANA name); UTC until it is known or if it is unknown.
    public async Task LoadSiteZoneAsync(ConsoleApi api)
    {
        try
        {
            var status = await api.GetAsync<StatusDocument>("api/v2/status.json");
            if (status.Value?.Page?.TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                SiteZone = zone;
            }
        }
        catch (JsonException)
        {
            // Not a status document: keep UTC, which is always right, only less friendly.
        }
    }

    // "2026-11-24 13:30 Europe/Paris (07:30 your time)": the operator's own time only when it reads differently.
    public string Show(DateTimeOffset instant)
    {
        var site = TimeZoneInfo.ConvertTime(instant, SiteZone);
        var text = $"{site.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Name(SiteZone)}";
        var own = TimeZoneInfo.ConvertTime(instant, OwnZone);
        if (own.Offset == site.Offset)
        {
            return text;
        }
        var ownFormat = own.Date == site.Date ? "HH:mm" : "ddd HH:mm";
        return $"{text} ({own.ToString(ownFormat, CultureInfo.InvariantCulture)} your time)";
    }

    public string Ago(DateTimeOffset instant) => Times.Ago(instant, Now);

    private static string Name(TimeZoneInfo zone) => zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime ? "UTC" : zone.Id;
}
