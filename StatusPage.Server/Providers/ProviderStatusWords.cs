using System.Globalization;
using System.Text.RegularExpressions;
using StatusPage.Server.History;
using StatusPage.Server.PublicSite;

namespace StatusPage.Server.Providers;

// "During our outage 01:56–02:33, Halden Hosting's status page said: All Systems Operational (observed 01:57, 02:10)": the
// recorded observations of one incident in one sentence. Consecutive observations that said the same thing are one statement
// with all their times. As words and times (Parts), so a page shows each time as a <time> element that localtime.js converts
// like every other time on it; as text (Sentence, site time zone) for the report, whose times all are in the site's zone.
internal static partial class ProviderStatusWords
{
    public static string? Sentence(PageText text, ProviderIncident item, string providerName)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parts(text, item, providerName) is { } parts
            ? string.Concat(parts.Select(p => p is DateTimeOffset time ? text.ShortTime(time) : (string)p))
            : null;
    }

    // The sentence in order: strings (words) and DateTimeOffsets (times).
    public static IReadOnlyList<object>? Parts(PageText text, ProviderIncident item, string providerName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(item);
        if (item.Observations.IsEmpty)
        {
            return null;
        }
        var statements = new List<object>();
        var group = new List<ProviderObservation>();
        foreach (var observation in item.Observations)
        {
            if (group.Count > 0 && !SaysTheSame(group[0], observation))
            {
                statements.AddRange(Statement(text, group));
                statements.Add(text["ProviderStatus_Then"]);
                group.Clear();
            }
            group.Add(observation);
        }
        statements.AddRange(Statement(text, group));
        return item.End is { } end
            ? Fill(text["ProviderStatus_Said"], item.Incident.StartedAt, end, providerName, statements)
            : Fill(text["ProviderStatus_SaidOngoing"], item.Incident.StartedAt, providerName, statements);
    }

    // What one observation said, without its time: the description (or why the page could not be read) and the provider's own
    // open incidents.
    public static string Said(PageText text, ProviderObservation observation)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.IsUnreachable)
        {
            return text.Format("ProviderStatus_Unreachable", observation.Description);
        }
        return observation.Incidents.IsEmpty
            ? observation.Description
            : observation.Description + " — " + text.Format("ProviderStatus_TheirIncidents", string.Join(", ", observation.Incidents.Select(i => i.Name)));
    }

    private static List<object> Statement(PageText text, List<ProviderObservation> group)
    {
        var times = new List<object>();
        foreach (var observation in group)
        {
            if (times.Count > 0)
            {
                times.Add(", ");
            }
            times.Add(observation.ObservedAt);
        }
        return Fill(text["ProviderStatus_Observed"], Said(text, group[0]), times);
    }

    // A sentence's "{n}" placeholders replaced by the arguments (a list argument is spliced in), the words kept as they are.
    private static List<object> Fill(string template, params object[] args)
    {
        var parts = new List<object>();
        var at = 0;
        foreach (Match placeholder in Placeholder().Matches(template))
        {
            parts.Add(template[at..placeholder.Index]);
            var argument = args[int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture)];
            if (argument is List<object> list)
            {
                parts.AddRange(list);
            }
            else
            {
                parts.Add(argument);
            }
            at = placeholder.Index + placeholder.Length;
        }
        parts.Add(template[at..]);
        return parts;
    }

    private static bool SaysTheSame(ProviderObservation a, ProviderObservation b) =>
        a.Indicator == b.Indicator && a.Description == b.Description && a.Incidents.SequenceEqual(b.Incidents);

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();
}
