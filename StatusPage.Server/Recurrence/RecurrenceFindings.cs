using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Recurrence;

public enum RecurrenceScope { Component, Provider }

// A group's findings; or, for one incident, a finding its start falls on and its place among the matching starts (1 = first).
public sealed record ScopedFinding(RecurrenceScope Scope, string ScopeId, RecurrenceReport Report, RecurrenceFinding Finding, int? Occurrence = null);

// The read side: recurrence findings for a component or an upstream provider, from the stated start times in a snapshot.
internal static class RecurrenceFindings
{
    public static RecurrenceReport ForComponent(StatusSnapshot snapshot, string componentId, TimeZoneInfo zone) =>
        snapshot.Components.TryGetValue(componentId, out var component)
            ? Detect(component.Name, snapshot.IncidentsNaming(componentId), zone)
            : RecurrenceReport.Empty(componentId);

    public static RecurrenceReport ForProvider(StatusSnapshot snapshot, string providerId, TimeZoneInfo zone) =>
        snapshot.Providers.TryGetValue(providerId, out var provider)
            ? Detect(provider.Name, snapshot.IncidentsNewestFirst.Where(i => i.Cause.Kind == CauseKind.Upstream && i.Cause.ProviderId == providerId), zone)
            : RecurrenceReport.Empty(providerId);

    // Every finding of every component (in page order), then of every provider.
    public static ImmutableArray<ScopedFinding> All(StatusSnapshot snapshot, TimeZoneInfo zone) =>
        [.. snapshot.ComponentsInOrder.SelectMany(c => Scoped(RecurrenceScope.Component, c.Id, ForComponent(snapshot, c.Id, zone)))
            .Concat(snapshot.Providers.Keys.Order(StringComparer.Ordinal)
                .SelectMany(id => Scoped(RecurrenceScope.Provider, id, ForProvider(snapshot, id, zone))))];

    // The findings of an incident's components and provider that its stated start falls on: "this matches the :56 pattern, 18th occurrence".
    public static ImmutableArray<ScopedFinding> ForIncident(StatusSnapshot snapshot, Incident incident, TimeZoneInfo zone)
    {
        var groups = incident.ComponentIds.Select(id => Scoped(RecurrenceScope.Component, id, ForComponent(snapshot, id, zone)));
        if (incident.Cause is { Kind: CauseKind.Upstream, ProviderId: { } provider })
        {
            groups = groups.Append(Scoped(RecurrenceScope.Provider, provider, ForProvider(snapshot, provider, zone)));
        }
        return [.. groups.SelectMany(g => g)
            .Where(s => RecurrenceDetector.Covers(s.Finding, incident.StartedAt, zone))
            .Select(s => s with { Occurrence = s.Finding.Matching.Count(e => e.At < incident.StartedAt && e.Id != incident.Id) + 1 })];
    }

    private static IEnumerable<ScopedFinding> Scoped(RecurrenceScope scope, string id, RecurrenceReport report) =>
        report.Findings.Select(f => new ScopedFinding(scope, id, report, f));

    private static RecurrenceReport Detect(string label, IEnumerable<Incident> incidents, TimeZoneInfo zone) =>
        RecurrenceDetector.Detect(label, incidents.Select(i => new RecurrenceEvent(i.Id, i.StartedAt)), zone);
}
