using System.Globalization;
using Microsoft.Extensions.Localization;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;

namespace StatusPage.Server.PublicSite;

// Words, times and durations for the public pages, in the reader's language and the site's time zone.
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Razor reads every member through the injected instance (T.Colon)")]
internal sealed class PageText(IStringLocalizer<Strings> localizer, SiteSettingsHolder site)
{
    public string this[string key] => localizer[key];

    public string Format(string key, params object[] args) => localizer[key, args];

    // The words on either side of "{0}", so the time in a sentence can be a <time> element that localtime.js converts
    // like every other time on the page (else a sentence would keep the site's zone next to times in the reader's).
    public (string Before, string After) Around(string key)
    {
        var text = localizer[key].Value;
        var at = text.IndexOf("{0}", StringComparison.Ordinal);
        return at < 0 ? (text, "") : (text[..at], text[(at + 3)..]);
    }

    public static CultureInfo Culture => CultureInfo.CurrentUICulture;

    private static bool French => Culture.TwoLetterISOLanguageName == "fr";

    // A label's colon: French puts a non-breaking space before it ("Durée : 3 h"), English none.
    public string Colon => French ? "\u00A0: " : ": ";

    public string Language => Culture.TwoLetterISOLanguageName;

    public TimeZoneInfo Zone => site.Current.TimeZone;

    // A time already in the ledger may sit at DateTime's limits; two days' margin keeps every zone's offset representable.
    public DateTimeOffset Local(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time < SafeMin ? SafeMin : time > SafeMax ? SafeMax : time, Zone);

    private static readonly DateTimeOffset SafeMin = DateTimeOffset.MinValue.AddDays(2);
    private static readonly DateTimeOffset SafeMax = DateTimeOffset.MaxValue.AddDays(-2);

    public string Time(DateTimeOffset time) => Local(time).ToString("d MMM yyyy, HH:mm", Culture);

    public string ShortTime(DateTimeOffset time) => Local(time).ToString("HH:mm", Culture);

    public string Date(DateOnly date) => date.ToString("d MMM yyyy", Culture);

    public string Month(DateOnly month) => Culture.TextInfo.ToTitleCase(month.ToString("MMMM yyyy", Culture));

    public string ZoneLabel(DateTimeOffset now)
    {
        var offset = Zone.GetUtcOffset(now);
        return $"{Zone.Id} (UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset:hh\\:mm})";
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Downtime minutes (weighted, so fractional): "0 min" when none, else as a Duration.
    public static string Minutes(double minutes) => minutes <= 0 ? "0 min" : Duration(TimeSpan.FromMinutes(minutes));

    // "2 h 14 min", "3 d 4 h", "45 min"; French writes days "j" ("3 j 4 h"), in the reader's language like every label.
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return "< 1 min";
        }
        if (span.TotalDays >= 1)
        {
            var d = French ? "j" : "d";
            return span.Hours > 0 ? $"{(int)span.TotalDays} {d} {span.Hours} h" : $"{(int)span.TotalDays} {d}";
        }
        if (span.TotalHours >= 1)
        {
            return span.Minutes > 0 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalHours} h";
        }
        return $"{(int)span.TotalMinutes} min";
    }

    public string Percent(double value) => value.ToString(value >= 99.995 && value < 100 ? "0.000" : "0.00", Culture) + " %";

    // Uptime figures and targets: three decimals everywhere, rounded down (UptimeCalculator.Digits).
    public string Uptime(double value) => global::StatusPage.Server.Uptime.UptimeCalculator.Digits(value, Culture) + " %";

    public string Status(ComponentStatus status) => localizer["ComponentStatus_" + status];

    public string Status(string? word) => word is null ? "" : localizer["Status_" + word];

    public string Status(PostStatus? status) => Status(status?.Word);

    public string Impact(Impact impact) => localizer["Impact_" + impact];

    public string Overall(Indicator indicator) => localizer["Indicator_" + indicator];

    public string PostLabel(Post post) => post.Kind switch
    {
        PostKind.Correction => localizer["Post_Correction"],
        PostKind.Postmortem => localizer["Post_Postmortem"],
        PostKind.Reopen => $"{localizer["Post_Reopened"]} · {Status(post.Status)}",
        _ => Status(post.Status),
    };
}
