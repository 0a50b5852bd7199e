using System.Collections.Immutable;
using System.Globalization;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Recurrence;
using StatusPage.Server.Transparency;
using StatusPage.Server.Uptime;

namespace StatusPage.Server.Providers;

// The proof part of a report: every listed incident's entries with inclusion proofs against ONE signed checkpoint (the
// latest), each incident as a proof.json bundle that `verify-proof` checks as it is.
public sealed record ReportProof(SignedCheckpoint Checkpoint, string VerifierKey, ImmutableArray<ProofBundle> Bundles);

// The provider report over whole days [FromDate, ToDate] in the site's time zone (the window ends at AsOf if that is earlier).
public sealed record ProviderReport(
    ProviderAccount Account,
    DateOnly FromDate,
    DateOnly ToDate,
    TimeZoneInfo Zone,
    DateTimeOffset AsOf,
    LedgerHead Head,
    ReportProof? Proof)
{
    public const string FormatName = "statuspage-provider-report/1";

    // Null Proof: no checkpoint covers the current head yet (starting up, or the log is behind); the report says so.
    public static ProviderReport Build(StatusSnapshot snapshot, UpstreamProvider provider, ReportPeriod period, TimeZoneInfo zone,
        DateTimeOffset now, LedgerStore store, TransparencyLog log)
    {
        var from = UptimeCalculator.StartOfDay(period.From, zone);
        var end = UptimeCalculator.StartOfDay(period.To.AddDays(1), zone);
        var asOf = end < now ? end : now;
        var account = ProviderAccount.For(snapshot, provider, from, asOf < from ? from : asOf, zone);
        ReportProof? proof = null;
        if (log.Latest is { } latest && latest.Size >= snapshot.Head.Seq && snapshot.Head.Seq > 0)
        {
            var bundles = account.Incidents.Concat(account.Former)
                .Select(i => ProofBundle.For("incident", i.Incident.Id, store.ReadBySubject(i.Incident.Id, latest.Size), latest, log))
                .ToImmutableArray();
            proof = new ReportProof(latest, log.Verifier.ToString(), bundles);
        }
        return new ProviderReport(account, period.From, period.To, zone, asOf, snapshot.Head, proof);
    }

    public string Query => $"from={Day(FromDate)}&to={Day(ToDate)}";

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // The machine-readable twin: the same facts as the printable page, language-neutral, proofs as proof.json bundles.
    public ProviderReportJson ToJson(Uri site)
    {
        var a = Account;
        string Url(string path) => new Uri(site, path).ToString();
        IncidentJson Incident(ProviderIncident i) => new(
            i.Incident.Id, i.Incident.Title, Url("/incidents/" + i.Incident.Id), i.Incident.Impact.ToWord(), i.Incident.Status.ToWord(),
            Iso(i.Incident.StartedAt), i.End is { } e ? Iso(e) : null,
            i.FirstUpdate is { } first ? Iso(first.StatedAt) : null, i.FirstUpdate is { } f ? Iso(f.RecordedAt) : null,
            i.LastUpdate is { } last ? Iso(last.StatedAt) : null, i.LastUpdate is { } l ? Iso(l.RecordedAt) : null,
            Round(i.Duration.TotalMinutes), Round(i.DowntimeMinutes), [.. i.Incident.ComponentIds],
            [.. i.Attributions.Select(t => new AttributionJson(t.Kind.ToWord(), t.ProviderId, t.Ticket, Iso(t.RecordedAt), t.Author))],
            i.Tickets, [.. i.Downtime.Select(d => new DowntimeJson(d.ComponentId, d.Name, Round(d.Minutes), null))],
            [.. i.Observations.Select(o => new ObservationJson(o.Indicator, o.Description, [.. o.Incidents.Select(p => new ObservedIncidentJson(p.Id, p.Name))],
                Iso(o.ObservedAt), o.Source, o.Seq, Iso(o.RecordedAt), o.Author))]);
        return new ProviderReportJson(
            FormatName,
            new ProviderJson(a.Provider.Id, a.Provider.Name, ProviderLinks.StatusPage(a.Provider)?.ToString(), Url("/providers/" + a.Provider.Id)),
            new PeriodJson(Day(FromDate), Day(ToDate), Zone.Id, Iso(a.From), Iso(a.To)),
            new SummaryJson(a.Incidents.Length, Round(a.DowntimeMinutes), Round(a.AllDowntimeMinutes), a.Share is { } s ? Math.Round(s, 4) : null,
                a.Tickets),
            [.. a.Incidents.Select(Incident)],
            [.. a.Former.Select(Incident)],
            [.. a.DowntimeByComponent.Select(d => new DowntimeJson(d.ComponentId, d.Name, Round(d.Minutes),
                Round(a.AllDowntimeByComponent.GetValueOrDefault(d.ComponentId))))],
            new RecurrenceJson(a.Recurrence.Counted, a.Recurrence.TestsTried, [.. a.Recurrence.Findings.Select(f => new FindingJson(
                f.Kind switch
                {
                    RecurrenceKind.MinuteOfHour => "minute_of_hour",
                    RecurrenceKind.HourOfDayLocal => "hour_of_day_local",
                    RecurrenceKind.HourOfDayUtc => "hour_of_day_utc",
                    RecurrenceKind.DayOfWeek => "day_of_week",
                    _ => "period",
                },
                f.Bin, f.Kind == RecurrenceKind.Period ? f.PeriodHours : null, f.Anchor is { } anchor ? Iso(anchor) : null, f.Hits, f.Counted,
                Math.Round(f.Log10P, 3), Math.Round(f.Log10Corrected, 3), f.OddsExponent,
                string.Create(CultureInfo.InvariantCulture, $"less than 1 in 10^{f.OddsExponent}"), [.. f.Matching.Select(m => m.Id)]))]),
            Proof is { } p ? new CheckpointJson(p.Checkpoint.Checkpoint.Origin, p.VerifierKey, p.Checkpoint.Note, p.Checkpoint.Size,
                p.Checkpoint.Checkpoint.RootBase64) : null,
            Proof?.Bundles ?? []);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static double Round(double minutes) => Math.Round(minutes, 1);
}

// A report's days, as the query gave them.
public sealed record ReportPeriod(DateOnly From, DateOnly To);

public sealed record ProviderReportJson(
    string Format,
    ProviderJson Provider,
    PeriodJson Period,
    SummaryJson Summary,
    IReadOnlyList<IncidentJson> Incidents,
    IReadOnlyList<IncidentJson> FormerlyAttributed,
    IReadOnlyList<DowntimeJson> DowntimeByComponent,
    RecurrenceJson Recurrence,
    CheckpointJson? Checkpoint,
    IReadOnlyList<ProofBundle> Proofs);

public sealed record ProviderJson(string Id, string Name, string? StatusPage, string Page);

public sealed record PeriodJson(string From, string To, string TimeZone, string FromUtc, string ToUtc);

public sealed record SummaryJson(int Incidents, double DowntimeMinutes, double AllDowntimeMinutes, double? ShareOfAllDowntime,
    IReadOnlyList<string> Tickets);

public sealed record IncidentJson(
    string Id,
    string Title,
    string Url,
    string Impact,
    string Status,
    string StartedAt,
    string? ResolvedAt,
    string? FirstUpdateStatedAt,
    string? FirstUpdateRecordedAt,
    string? LastUpdateStatedAt,
    string? LastUpdateRecordedAt,
    double DurationMinutes,
    double DowntimeMinutes,
    IReadOnlyList<string> Components,
    IReadOnlyList<AttributionJson> Attributions,
    IReadOnlyList<string> Tickets,
    IReadOnlyList<DowntimeJson> Downtime,
    IReadOnlyList<ObservationJson> ProviderStatus);

// What the provider's own status page said during the incident (provider.status_observed entries, oldest first).
public sealed record ObservationJson(string Indicator, string Description, IReadOnlyList<ObservedIncidentJson> ProviderIncidents,
    string ObservedAt, string Source, long Seq, string RecordedAt, string RecordedBy);

public sealed record ObservedIncidentJson(string Id, string Name);

// One attribution in the incident's history, oldest first; the last one is the cause in force.
public sealed record AttributionJson(string Cause, string? Provider, string? Ticket, string RecordedAt, string RecordedBy);

public sealed record DowntimeJson(string Component, string Name, double Minutes, double? AllMinutes);

public sealed record RecurrenceJson(int Counted, long TestsTried, IReadOnlyList<FindingJson> Findings);

public sealed record FindingJson(
    string Kind,
    int Bin,
    int? PeriodHours,
    string? Anchor,
    int Hits,
    int Counted,
    double Log10P,
    double Log10PCorrected,
    int OddsExponent,
    string Odds,
    IReadOnlyList<string> Incidents);

public sealed record CheckpointJson(string Origin, string VerifierKey, string Note, long TreeSize, string Root);

// The provider's own status page, from site.yml: shown as a link only when it is an http(s) address.
internal static class ProviderLinks
{
    public static Uri? StatusPage(UpstreamProvider provider) =>
        Uri.TryCreate(provider.Url, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : null;
}
