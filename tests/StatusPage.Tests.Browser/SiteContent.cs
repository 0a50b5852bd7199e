using System.Globalization;
using System.Text.RegularExpressions;

namespace StatusPage.Tests.Browser;

// More of what the content files say, read independently of the server: the site's time zone, the status updates
// of an incident, what a correction corrects, a postmortem's headings.
public static partial class SiteContent
{
    private static readonly HashSet<string> IncidentStatuses = new(StringComparer.Ordinal) { "investigating", "identified", "monitoring", "resolved" };

    public static ContentIncident Incident(string id) =>
        ContentIncident.Read(Path.Combine(DemoContent.ContentPath, "incidents", id + ".md"));

    // The `time_zone:` of site.yml, in which the server writes times when no script rewrites them.
    public static TimeZoneInfo SiteTimeZone()
    {
        var line = File.ReadLines(Path.Combine(DemoContent.ContentPath, "site.yml"))
            .Select(l => TimeZoneLine().Match(l))
            .First(m => m.Success);
        return TimeZoneInfo.FindSystemTimeZoneById(line.Groups["zone"].Value);
    }

    // The time text the server renders for a stated time, e.g. "19 Aug 2026, 14:52" in Europe/Paris.
    public static string ServerTimeText(DateTimeOffset time, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(time, SiteTimeZone()).ToString("d MMM yyyy, HH:mm", culture);

    // The sections that are status updates (not corrections, not the postmortem): the items of the timeline.
    public static IReadOnlyList<ContentSection> StatusUpdates(this ContentIncident incident) =>
        [.. incident.Sections.Where(s => IncidentStatuses.Contains(s.What))];

    // Each correction section with the stated time of the update it corrects (`## <time> correction <corrected time>`).
    public static IReadOnlyList<(ContentSection Correction, DateTimeOffset Corrects)> Corrections(this ContentIncident incident)
    {
        var targets = File.ReadLines(incident.File)
            .Select(l => CorrectionHeading().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => Utc(m.Groups["time"].Value), m => Utc(m.Groups["corrects"].Value));
        return [.. incident.Sections.Where(s => s.What == "correction").Select(s => (s, targets[s.StatedAt]))];
    }

    // The `### ` headings of the postmortem section, in order.
    public static IReadOnlyList<string> PostmortemHeadings(this ContentIncident incident)
    {
        var lines = File.ReadAllLines(incident.File);
        var start = Array.FindIndex(lines, l => DemoContent.SectionHeading().Match(l) is { Success: true } m && m.Groups["what"].Value == "postmortem");
        return start < 0 ? [] : [.. lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("### ", StringComparison.Ordinal)).Select(l => l[4..].Trim())];
    }

    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [GeneratedRegex(@"^time_zone:\s*(?<zone>[^\s#]+)")]
    private static partial Regex TimeZoneLine();

    [GeneratedRegex(@"^## (?<time>\S+) correction (?<corrects>\S+)")]
    private static partial Regex CorrectionHeading();
}
