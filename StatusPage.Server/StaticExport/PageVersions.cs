using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Site;

namespace StatusPage.Server.StaticExport;

// What the incremental export compares instead of fetching a page (issue 15). A page's version is the seq at which what it shows
// last changed (HttpCache/ContentVersions); a page that also moves with the clock (uptime windows, running durations, the
// current month...) adds the start of its clock window (HttpCache/ClockWindow: the day, or the minute while an incident is
// open), so it is fetched again once per window, as the page cache renders it once per window. An export's bytes are a
// function of the ledger and the export's clock. The renderer names what every page also depends on: this build of the
// server, the site settings, the zone's offset at the export's time (the footer's "times in"); when it differs from the
// previous manifest's, every page is fetched again.
internal sealed record PageVersions(string Renderer, Func<string, string?> VersionOf)
{
    // What the versions were computed from (none for versions made up by a test): what ChangedSince compares.
    private (StatusSnapshot Snapshot, TimeZoneInfo Zone, DateTimeOffset Now)? _basis;

    // The seq of the head these versions were computed at (0 when unknown).
    public long Head => _basis?.Snapshot.Head.Seq ?? 0;

    // The versions of the server's current state: its ledger (and whether it is still being verified), settings and clock.
    public static PageVersions Of(IServiceProvider services) =>
        For(services.GetRequiredService<LedgerService>().Current, services.GetRequiredService<SiteSettingsHolder>().Current,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), services.GetRequiredService<LedgerService>().VerificationRunning);

    // `verifying` and the snapshot's integrity problem are in the renderer: every page shows their banner, so a change re-renders all.
    public static PageVersions For(StatusSnapshot snapshot, SiteSettings site, DateTimeOffset now, bool verifying = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(site);
        var versions = ContentVersions.Of(snapshot).Prepare();
        var zone = site.TimeZone;
        var settings = string.Join("\n", site.Name, site.Url, zone.Id, string.Join(",", site.Languages),
            string.Join(",", site.CreditTiers.Select(t => $"{t.Below}:{t.Credit}")), typeof(PageVersions).Assembly.ManifestModule.ModuleVersionId,
            verifying ? "verifying" : "verified", snapshot.IntegrityProblem ?? "");
        var renderer = string.Create(CultureInfo.InvariantCulture,
            $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..16]}{zone.GetUtcOffset(now).TotalMinutes:+0;-0}");
        var window = ClockWindow.Of(snapshot, zone, now).Start.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return new PageVersions(renderer, url =>
        {
            var path = Unprefixed(url);
            var (seq, moves) = versions.VersionOf(path, zone, now);
            return moves ? string.Create(CultureInfo.InvariantCulture, $"{seq}@{window}") : seq.ToString(CultureInfo.InvariantCulture);
        })
        { _basis = (snapshot, zone, now) };
    }

    // Whether a page of this version must be decided again at the next export whatever the ledger does: it moves with the clock,
    // or its content's seq is the head (a page that shows the head, or whose content the last entry changed).
    public bool IsVolatile(string version) =>
        version.Contains('@', StringComparison.Ordinal) || version == Head.ToString(CultureInfo.InvariantCulture);

    // The addresses, without language prefix, whose version may differ from the one `earlier` gave them, besides the volatile ones
    // and the seeds (ContentVersions.ChangedSince). Null when every address must be decided again: a different renderer, zone or
    // local day (what moves with the clock changes at midnight), versions not computed from a ledger, or a change too wide to list.
    public IReadOnlySet<string>? ChangedSince(PageVersions earlier)
    {
        if (_basis is not { } now || earlier._basis is not { } then || earlier.Renderer != Renderer || now.Zone != then.Zone
            || Day(now.Now, now.Zone) != Day(then.Now, then.Zone) || now.Now < then.Now)
        {
            return null;
        }
        return ContentVersions.Of(now.Snapshot).ChangedSince(ContentVersions.Of(then.Snapshot), now.Zone, now.Now);
    }

    private static DateOnly Day(DateTimeOffset time, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, zone).DateTime);

    // Every language's address of a path (the unprefixed one first).
    public static IEnumerable<string> Addresses(string path) =>
        LanguagePaths.Prefixes.Select(prefix => prefix + path).Prepend(path);

    // /fr/incidents/x → /incidents/x (the dynamic server strips the prefix the same way before routing).
    private static string Unprefixed(string url)
    {
        foreach (var prefix in LanguagePaths.Prefixes)
        {
            if (url == prefix || url.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                return url.Length == prefix.Length ? "/" : url[prefix.Length..];
            }
        }
        return url;
    }
}
