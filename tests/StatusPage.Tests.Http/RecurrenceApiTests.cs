using System.Net;
using System.Net.Http.Json;
using StatusPage.Client.Console;
using StatusPage.Client.Contracts;

namespace StatusPage.Tests.Http;

// The console's recurrence reads over the demo: an incident opened at :56 on the private network matches the :56 pattern of the
// component and of Halden Hosting, with its place among the matching starts; the dashboard's list holds every finding.
public sealed class RecurrenceApiTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private readonly HttpClient _admin = server.Client();

    private async Task<string> Open(string title, DateTimeOffset startedAt, object? cause = null) =>
        (await (await _admin.Post("/api/v1/incidents", new
        {
            Title = title,
            Impact = "major",
            Status = "investigating",
            Body = "The link between FRA1 and AMS2 is down.",
            Components = new Dictionary<string, string> { ["private-network"] = "major_outage" },
            Cause = cause,
            StartedAt = startedAt,
        })).Created()).GetProperty("id").GetString()!;

    private async Task<RecurrenceView[]> Findings(string path)
    {
        using var response = await _admin.GetAsync(Api.Url(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RecurrenceView[]>(ConsoleApi.Json))!;
    }

    [Fact]
    public async Task An_incident_that_began_at_56_matches_the_component_and_provider_pattern_as_the_18th_occurrence()
    {
        // 09:56 in Paris on the demo's "today" (24 Nov 2026, 12:00 UTC).
        var id = await Open("Private network down again", new DateTimeOffset(2026, 11, 24, 8, 56, 30, TimeSpan.Zero),
            new { Kind = "upstream", Provider = "halden", Ticket = "HH-2231907" });

        var findings = await Findings($"/api/v1/incidents/{id}/recurrence");

        var network = Assert.Single(findings, f => f.Scope == "component");
        Assert.Equal(("private-network", "Private network between data centers", RecurrencePattern.MinuteOfHour, 56, 18),
            (network.ScopeId, network.Name, network.Pattern, network.Bin, network.Occurrence));
        Assert.Equal(18, network.Hits);
        Assert.Contains(id, network.Incidents);
        Assert.True(network.OddsExponent >= 15, $"1 in 10^{network.OddsExponent}");
        var halden = Assert.Single(findings, f => f.Scope == "provider");
        Assert.Equal(("halden", "Halden Hosting", 56, 18), (halden.ScopeId, halden.Name, halden.Bin, halden.Occurrence));
        Assert.Equal($"This matches the :56 pattern on Private network between data centers: 18th occurrence (by chance: less than 1 in 10{Superscript(network.OddsExponent)})",
            RecurrenceText.Hint(network));
    }

    [Fact]
    public async Task An_incident_off_the_pattern_matches_nothing_and_the_list_holds_every_finding_of_the_demo()
    {
        var id = await Open("Private network flapping", new DateTimeOffset(2026, 11, 23, 14, 13, 0, TimeSpan.Zero));

        Assert.Empty(await Findings($"/api/v1/incidents/{id}/recurrence"));
        var all = await Findings("/api/v1/recurrence");
        string[] scopes = [.. all.Select(f => $"{f.Scope}:{f.ScopeId}")];
        Assert.Equal(["component:storage-cluster", "component:private-network", "provider:halden"], scopes);
        Assert.All(all, f => Assert.Equal((RecurrencePattern.MinuteOfHour, 56, "Europe/Paris"), (f.Pattern, f.Bin, f.TimeZone)));
        Assert.All(all, f => Assert.Equal(f.Hits, f.Incidents.Count));
        Assert.All(all, f => Assert.Null(f.Occurrence));
    }

    [Fact]
    public async Task The_recurrence_reads_refuse_anonymous_readers_and_name_an_unknown_incident()
    {
        var anonymous = await server.Client(token: null).GetAsync(Api.Url("/api/v1/recurrence"));
        var anonymousIncident = await server.Client(token: null).GetAsync(Api.Url("/api/v1/incidents/2026-06-03-private-network-fra1/recurrence"));
        var unknown = await _admin.GetAsync(Api.Url("/api/v1/incidents/no-such-incident/recurrence"));

        await anonymous.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await anonymousIncident.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await unknown.Problem(HttpStatusCode.NotFound, "id", RuleCatalogue.IncidentNotFound.Code);
    }

    private static string Superscript(int n) => string.Concat(n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d - '0']));
}
