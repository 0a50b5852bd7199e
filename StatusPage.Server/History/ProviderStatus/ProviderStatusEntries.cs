using System.Collections.Immutable;

namespace StatusPage.Server.History;

// What an upstream provider's own status page said while one of our incidents was open (Providers/ProviderStatusWatch polls
// it). The subject is OUR incident, so the observation is part of that incident's record and of its proof.json.
internal static partial class EntryKinds
{
    public const string ProviderStatusObserved = "provider.status_observed";
}

// Indicator: the provider page's Statuspage v2 status.indicator (none, minor, major, critical, maintenance), "unknown" for
// a word the format does not define, or "unreachable" when the page could not be read (Description then says why).
internal sealed record ProviderStatusObserved(
    string Provider,
    string Indicator,
    string Description,
    ImmutableArray<ObservedProviderIncident> Incidents,
    DateTimeOffset ObservedAt,
    string Source) : IEntryPayload;

// One of the provider's unresolved incidents, as its page named it.
public sealed record ObservedProviderIncident(string Id, string Name);

internal sealed record RecordProviderStatus(
    string IncidentId,
    string Provider,
    string Indicator,
    string Description,
    ImmutableArray<ObservedProviderIncident> Incidents,
    DateTimeOffset ObservedAt,
    string Source) : HistoryCommand;

// An observation in the read model, with who recorded it when.
public sealed record ProviderObservation(
    string IncidentId,
    string ProviderId,
    string Indicator,
    string Description,
    ImmutableArray<ObservedProviderIncident> Incidents,
    DateTimeOffset ObservedAt,
    string Source,
    long Seq,
    DateTimeOffset RecordedAt,
    string Author)
{
    public bool IsUnreachable => Indicator == ProviderIndicators.Unreachable;
}

// The words an observation's indicator may hold, and the bounds of its stored text (the poller clips to them first).
internal static class ProviderIndicators
{
    public const string Unreachable = "unreachable";
    public const string Unknown = "unknown";

    public static readonly ImmutableArray<string> All = ["none", "minor", "major", "critical", "maintenance", Unknown, Unreachable];

    public const int DescriptionMaxLength = 200;
    public const int IncidentsMax = 10;
    public const int IncidentNameMaxLength = 200;
    public const int IncidentIdMaxLength = 100;
    public const int SourceMaxLength = 500;
}
