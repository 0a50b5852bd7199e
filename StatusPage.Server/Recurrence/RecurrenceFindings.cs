using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Recurrence;

// The read side: recurrence findings for a component or an upstream provider, from the stated start times in a snapshot.
internal static class RecurrenceFindings
{
    public static RecurrenceReport ForComponent(StatusSnapshot snapshot, string componentId, TimeZoneInfo zone) =>
        snapshot.Components.TryGetValue(componentId, out var component)
            ? Detect(component.Name, snapshot.Incidents.Values.Where(i => i.ComponentIds.Contains(componentId)), zone)
            : RecurrenceReport.Empty(componentId);

    public static RecurrenceReport ForProvider(StatusSnapshot snapshot, string providerId, TimeZoneInfo zone) =>
        snapshot.Providers.TryGetValue(providerId, out var provider)
            ? Detect(provider.Name, snapshot.Incidents.Values.Where(i => i.Cause.Kind == CauseKind.Upstream && i.Cause.ProviderId == providerId), zone)
            : RecurrenceReport.Empty(providerId);

    private static RecurrenceReport Detect(string label, IEnumerable<Incident> incidents, TimeZoneInfo zone) =>
        RecurrenceDetector.Detect(label, incidents.Select(i => new RecurrenceEvent(i.Id, i.StartedAt)), zone);
}
