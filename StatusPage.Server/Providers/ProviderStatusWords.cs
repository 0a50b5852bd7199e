using StatusPage.Server.History;
using StatusPage.Server.PublicSite;

namespace StatusPage.Server.Providers;

// "During our outage 01:56–02:33, Halden Hosting's status page said: All Systems Operational (observed 01:57, 02:10)": the
// recorded observations of one incident in one sentence (site time zone). Consecutive observations that said the same thing
// are one statement with all their times.
internal static class ProviderStatusWords
{
    public static string? Sentence(PageText text, ProviderIncident item, string providerName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(item);
        if (item.Observations.IsEmpty)
        {
            return null;
        }
        var statements = new List<string>();
        var group = new List<ProviderObservation>();
        foreach (var observation in item.Observations)
        {
            if (group.Count > 0 && !SaysTheSame(group[0], observation))
            {
                statements.Add(Statement(text, group));
                group.Clear();
            }
            group.Add(observation);
        }
        statements.Add(Statement(text, group));
        var said = string.Join(text["ProviderStatus_Then"], statements);
        var start = text.ShortTime(item.Incident.StartedAt);
        return item.End is { } end
            ? text.Format("ProviderStatus_Said", start, text.ShortTime(end), providerName, said)
            : text.Format("ProviderStatus_SaidOngoing", start, providerName, said);
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

    private static string Statement(PageText text, List<ProviderObservation> group) =>
        text.Format("ProviderStatus_Observed", Said(text, group[0]), string.Join(", ", group.Select(o => text.ShortTime(o.ObservedAt))));

    private static bool SaysTheSame(ProviderObservation a, ProviderObservation b) =>
        a.Indicator == b.Indicator && a.Description == b.Description && a.Incidents.SequenceEqual(b.Incidents);
}
