using System.Net;
using System.Text.RegularExpressions;

namespace StatusPage.Tests.Http;

// The demo's :56 recurrence on the component page, in English and French, with the matching incidents linked.
public sealed partial class RecurrenceTests : IAsyncLifetime
{
    private readonly StatusPageFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<string> Section(string path, string? language = null)
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var start = html.IndexOf("<section class=\"recurrence\">", StringComparison.Ordinal);
        return start < 0 ? "" : html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task The_private_network_page_shows_the_56_pattern_with_its_odds_and_links_the_17_incidents()
    {
        var section = await Section("/components/private-network");

        Assert.Contains("17 of 18 incidents on Private network between data centers began at :56 past the hour", section, StringComparison.Ordinal);
        Assert.Contains("(by chance: less than 1 in 10²³)", section, StringComparison.Ordinal);
        Assert.Contains("157,735 patterns tried", section, StringComparison.Ordinal);
        var links = IncidentLink().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(17, links.Count);
        Assert.All(links, id => Assert.EndsWith("-private-network-fra1", id, StringComparison.Ordinal));
        Assert.Contains("/incidents/2026-06-03-private-network-fra1", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task French_readers_get_the_finding_in_french()
    {
        var section = await Section("/components/private-network", "fr-FR,fr;q=0.9");

        Assert.Contains("17 des 18 incidents touchant Private network between data centers ont commencé à :56", section, StringComparison.Ordinal);
        Assert.Contains("moins d", section, StringComparison.Ordinal);
        Assert.Contains("chance sur 10²³", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_component_without_a_pattern_shows_no_recurrence_section()
    {
        Assert.Equal("", await Section("/components/query-api"));
    }

    [GeneratedRegex("href=\"/incidents/([^\"]+)\"")]
    private static partial Regex IncidentLink();
}
