using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace StatusPage.Tests.Http;

// Issue 15: a provider's page lists its most recent incidents and links one page per year, so its length follows a year's
// history, not the whole ledger's. Over the demo (19 Halden Hosting incidents in 2026) plus incidents written into 2025.
public sealed partial class ProviderYearPageTests : IAsyncLifetime
{
    private StatusPageFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new StatusPageFactory(time: new FakeTimeProvider(StatusPageFactory.DemoNow), settings: new Dictionary<string, string>
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    // A resolved outage of the private network that began at `start` (UTC) and lasted `minutes`, attributed to Halden Hosting.
    internal static async Task<string> HaldenOutage(HttpClient writer, DateTimeOffset start, int minutes, string ticket)
    {
        var created = await (await writer.Post("/api/v1/incidents", new
        {
            Title = $"Private network interrupted ({ticket})",
            Impact = "major",
            Status = "investigating",
            Body = "The link between FRA1 and AMS2 is down.",
            Components = new Dictionary<string, string> { ["private-network"] = "major_outage" },
            Cause = new { Kind = "upstream", Provider = "halden", Ticket = ticket },
            StartedAt = start,
            StatedAt = start,
        })).Created();
        var id = created.GetProperty("id").GetString()!;
        await (await writer.Post($"/api/v1/incidents/{id}/resolve", new { Body = "The link is back.", StatedAt = start.AddMinutes(minutes) })).Created();
        return id;
    }

    private HttpClient Writer()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        return client;
    }

    private async Task<string> Html(string path)
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(Api.Url(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static List<string> Listed(string html)
    {
        var start = html.IndexOf("Incidents attributed to this provider", StringComparison.Ordinal);
        Assert.True(start >= 0, "no incident list");
        var end = html.IndexOf("</ul>", start, StringComparison.Ordinal);
        return [.. IncidentLink().Matches(html[start..end]).Select(m => m.Groups[1].Value)];
    }

    [Fact]
    public async Task Past_twenty_incidents_the_provider_page_lists_the_most_recent_and_each_year_page_lists_all_of_its_year()
    {
        var writer = Writer();
        // 29 Dec 2025, 02:56 in Paris is 01:56 UTC; 31 Dec 2025, 23:30 in Paris (22:30 UTC) is still 2025 there.
        var older = await HaldenOutage(writer, new DateTimeOffset(2025, 12, 29, 1, 56, 0, TimeSpan.Zero), 25, "HH-1999001");
        var newer = await HaldenOutage(writer, new DateTimeOffset(2025, 12, 31, 22, 30, 0, TimeSpan.Zero), 40, "HH-1999002");

        var page = await Html("/providers/halden");
        var year2025 = await Html("/providers/halden/2025");
        var year2026 = await Html("/providers/halden/2026");

        Assert.Contains("21 incident(s) on this service were attributed to Halden Hosting", page, StringComparison.Ordinal);
        Assert.Contains("The 20 most recent of 21; every one is listed on the page of the year it began in.", page, StringComparison.Ordinal);
        Assert.Contains("By year: <a href=\"/providers/halden/2026\">2026</a> (19) · <a href=\"/providers/halden/2025\">2025</a> (2)</nav>",
            page, StringComparison.Ordinal);
        var recent = Listed(page);
        Assert.Equal(20, recent.Count);
        Assert.Equal(newer, recent[^1]); // newest first: the 2025 one that made the cut is last
        Assert.DoesNotContain(older, recent);

        Assert.Equal([newer, older], Listed(year2025));
        // 25 min, and 30 of the second's 40: the year's account ends at its last midnight in Paris, as the report for 2025 does.
        Assert.Contains("In 2025, 2 incident(s) on this service were attributed to Halden Hosting. They caused 55 min of downtime that year",
            year2025, StringComparison.Ordinal);
        Assert.Contains("Tickets: <code>HH-1999001</code>, <code>HH-1999002</code>", year2025, StringComparison.Ordinal);
        Assert.Equal(19, Listed(year2026).Distinct().Count());
        Assert.DoesNotContain(newer, year2026, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incident_re_attributed_since_stays_on_its_years_page_shown_and_not_counted()
    {
        var writer = Writer();
        var kept = await HaldenOutage(writer, new DateTimeOffset(2025, 3, 10, 1, 56, 0, TimeSpan.Zero), 30, "HH-1999003");
        var moved = await HaldenOutage(writer, new DateTimeOffset(2025, 4, 10, 1, 56, 0, TimeSpan.Zero), 30, "HH-1999004");
        await (await writer.Post($"/api/v1/incidents/{moved}/cause", new { Kind = "upstream", Provider = "brightwave", Ticket = "BW-0002" })).Created();

        var year = await Html("/providers/halden/2025");
        var page = await Html("/providers/halden");
        var brightwave = await Html("/providers/brightwave/2025");

        Assert.Equal([kept], Listed(year));
        Assert.Contains("In 2025, 1 incident(s) on this service were attributed to Halden Hosting", year, StringComparison.Ordinal);
        var former = year[year.IndexOf("re-attributed since", StringComparison.Ordinal)..];
        Assert.Contains($"href=\"/incidents/{moved}\"", former, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/providers/halden/2025\">2025</a> (1)", page, StringComparison.Ordinal);
        Assert.Equal([moved], Listed(brightwave));
    }

    [GeneratedRegex("<a href=\"/incidents/([^\"#]+)\">")]
    private static partial Regex IncidentLink();
}
