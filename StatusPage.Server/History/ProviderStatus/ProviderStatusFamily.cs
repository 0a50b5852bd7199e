using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.Ledger;
using static StatusPage.Server.History.Checks;

namespace StatusPage.Server.History;

// provider.status_observed: written by the server's provider watch (author "provider-watch") and, for example history, by
// content ingestion; the write API has no route to it, so no operator can type what a provider "said".
internal sealed class ProviderStatusFamily : IEntryFamily
{
    public IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>
    {
        [EntryKinds.ProviderStatusObserved] = typeof(ProviderStatusObserved),
    };

    public Decision? Decide(StatusSnapshot state, HistoryCommand command, DateTimeOffset now) =>
        command is RecordProviderStatus c ? DecideObservation(state, c, now) : null;

    public void Apply(SnapshotBuilder state, LedgerEntry entry, IEntryPayload payload)
    {
        var o = (ProviderStatusObserved)payload;
        var observation = new ProviderObservation(entry.Subject, state.Share(o.Provider), o.Indicator, o.Description, o.Incidents,
            o.ObservedAt, o.Source, entry.Seq, entry.RecordedAt, state.Share(entry.Author));
        state.ProviderObservations[entry.Subject] = state.ProviderObservations.TryGetValue(entry.Subject, out var earlier)
            ? earlier.Add(observation)
            : [observation];
    }

    private static Decision DecideObservation(StatusSnapshot state, RecordProviderStatus c, DateTimeOffset now)
    {
        if (!state.Incidents.TryGetValue(c.IncidentId, out var incident))
        {
            return Violation(RuleCatalogue.IncidentNotFound, "incident", $"There is no incident '{c.IncidentId}'.");
        }
        var bad = (state.Providers.ContainsKey(c.Provider) ? null
                : Violation(RuleCatalogue.KnownProvider, "provider", RuleCatalogue.NoProvider(c.Provider)))
            ?? (ProviderIndicators.All.Contains(c.Indicator) ? null
                : Violation(RuleCatalogue.OneOf, "indicator", $"The indicator must be one of: {string.Join(", ", ProviderIndicators.All)}."))
            ?? CheckText("description", c.Description, ProviderIndicators.DescriptionMaxLength)
            ?? CheckIncidents(c.Incidents)
            ?? CheckSource(c.Source)
            ?? CheckObservedAt(incident, c.ObservedAt, now);
        if (bad is not null)
        {
            return bad;
        }
        // The same observation again (content ingested twice, a retried write) adds nothing.
        if (state.ProviderObservations.TryGetValue(c.IncidentId, out var recorded)
            && recorded.Exists(o => o.ProviderId == c.Provider && o.ObservedAt == c.ObservedAt))
        {
            return Decision.Accept();
        }
        return Decision.Accept(new PendingEntry(EntryKinds.ProviderStatusObserved, c.IncidentId, new ProviderStatusObserved(
            c.Provider, c.Indicator, c.Description, c.Incidents.IsDefault ? [] : c.Incidents, c.ObservedAt, c.Source)));
    }

    private static RuleViolation? CheckIncidents(ImmutableArray<ObservedProviderIncident> incidents)
    {
        if (incidents.IsDefault)
        {
            return null;
        }
        if (incidents.Length > ProviderIndicators.IncidentsMax)
        {
            return Violation(RuleCatalogue.MaxLength, "incidents", $"At most {ProviderIndicators.IncidentsMax} of the provider's incidents are kept.");
        }
        for (var i = 0; i < incidents.Length; i++)
        {
            if ((CheckText($"incidents[{i}].id", incidents[i].Id, ProviderIndicators.IncidentIdMaxLength)
                ?? CheckText($"incidents[{i}].name", incidents[i].Name, ProviderIndicators.IncidentNameMaxLength)) is { } bad)
            {
                return bad;
            }
        }
        return null;
    }

    private static RuleViolation? CheckSource(string source) =>
        source is { Length: > 0 and <= ProviderIndicators.SourceMaxLength }
        && Uri.TryCreate(source, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && SafeText.IsClean(source)
            ? null
            : Violation(RuleCatalogue.AbsoluteHttpUrl, "source",
                $"The source is the absolute http(s) address that was read, at most {ProviderIndicators.SourceMaxLength} characters.");

    // Observed while the incident was open: from its start to its resolution (or now).
    private static RuleViolation? CheckObservedAt(Incident incident, DateTimeOffset observedAt, DateTimeOffset now) =>
        observedAt > now + Limits.FutureTolerance
            ? Violation(RuleCatalogue.NotInFuture, "observed_at", TimeRules.NotInFutureMessage("observed_at"))
            : observedAt < incident.StartedAt
                ? Violation(RuleCatalogue.NotBeforeStart, "observed_at", "An observation cannot be made before the incident started.")
                : incident.ResolvedAt is { } resolved && observedAt > resolved
                    ? Violation(RuleCatalogue.DuringIncident, "observed_at", "An observation is made while the incident is open, not after it was resolved.")
                    : null;
}
