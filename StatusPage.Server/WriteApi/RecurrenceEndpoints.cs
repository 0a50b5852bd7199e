using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.Edge;
using StatusPage.Server.History;
using StatusPage.Server.Recurrence;
using StatusPage.Server.Site;

namespace StatusPage.Server.WriteApi;

// What the console shows of recurring start times (README "Recurrence"): every finding on its dashboard, and the findings an
// incident's start falls on when an operator opens it. Computed per request by the same detector as the public pages.
internal static class RecurrenceEndpoints
{
    public static RouteGroupBuilder MapRecurrence(this RouteGroupBuilder read)
    {
        read.MapGet("/recurrence", ListFindings);
        read.MapGet("/incidents/{id}/recurrence", IncidentFindings);
        return read;
    }

    private static Ok<RecurrenceView[]> ListFindings(LedgerService ledger, SiteSettingsHolder site) =>
        TypedResults.Ok(RecurrenceFindings.All(ledger.Current, site.Current.TimeZone).Select(f => View(f, site.Current.TimeZone)).ToArray());

    private static Results<Ok<RecurrenceView[]>, ProblemHttpResult> IncidentFindings(string id, LedgerService ledger, SiteSettingsHolder site) =>
        ledger.Current.Incidents.TryGetValue(id, out var incident)
            ? TypedResults.Ok(RecurrenceFindings.ForIncident(ledger.Current, incident, site.Current.TimeZone)
                .Select(f => View(f, site.Current.TimeZone)).ToArray())
            : Problems.Of(RuleCatalogue.IncidentNotFound, $"There is no incident '{id}'.", "id");

    private static RecurrenceView View(ScopedFinding s, TimeZoneInfo zone) => new(
        s.Scope == RecurrenceScope.Component ? "component" : "provider", s.ScopeId, s.Report.Label,
        s.Finding.Kind switch
        {
            RecurrenceKind.MinuteOfHour => RecurrencePattern.MinuteOfHour,
            RecurrenceKind.HourOfDayLocal => RecurrencePattern.HourOfDay,
            RecurrenceKind.HourOfDayUtc => RecurrencePattern.HourOfDayUtc,
            RecurrenceKind.DayOfWeek => RecurrencePattern.DayOfWeek,
            _ => RecurrencePattern.Period,
        },
        s.Finding.Bin, s.Finding.PeriodHours, RecurrenceOptions.Default.ToleranceMinutes, s.Finding.Anchor, zone.Id, s.Finding.Hits,
        s.Finding.Counted, s.Finding.OddsExponent, [.. s.Finding.Matching.Select(e => e.Id)], s.Occurrence);
}
