using System.Net;
using System.Xml.Linq;
using StatusPage.Server.Badges;

namespace StatusPage.Tests.Http;

// SVG badges over the demo content: readable status text, short cache lifetime, 404 for an unknown component.
public sealed class BadgesTests(BadgesTests.Server server) : IClassFixture<BadgesTests.Server>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly HttpClient _client = server.Client;

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new();

        public Server() => Client = _factory.CreateClient();

        public HttpClient Client { get; }

        public void Dispose() => _factory.Dispose();
    }

    [Theory]
    [InlineData("/badge.svg", "status: Minor Service Outage", "#9a6700")]
    [InlineData("/components/query-api/badge.svg", "Query API: Degraded performance", "#9a6700")]
    [InlineData("/components/dashboard/badge.svg", "Web dashboard: Operational", "#1a7f37")]
    public async Task A_badge_is_an_accessible_svg_that_says_the_status_in_words(string path, string words, string colour)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl?.MaxAge <= TimeSpan.FromMinutes(5));
        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal("img", svg.Attribute("role")?.Value);
        Assert.Equal(words, svg.Attribute("aria-label")?.Value);
        Assert.Equal(words, svg.Element(Svg + "title")?.Value);
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal(words, $"{texts[0]}: {texts[1]}");
        Assert.Contains(svg.Elements(Svg + "rect"), r => r.Attribute("fill")?.Value == colour);
    }

    [Fact]
    public async Task An_uptime_badge_shows_a_percentage()
    {
        var response = await _client.GetAsync(new Uri("/components/private-network/badge.svg?metric=uptime", UriKind.Relative));
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"^uptime 90d: \d{1,3}\.\d{3}%$", svg.Attribute("aria-label")?.Value);
    }

    [Fact]
    public async Task A_badge_for_an_unknown_component_is_a_404()
    {
        var response = await _client.GetAsync(new Uri("/components/no-such-thing/badge.svg", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Revalidating_a_badge_is_a_304()
    {
        var first = await _client.GetAsync(new Uri("/badge.svg", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/badge.svg", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public void Names_with_markup_are_escaped_and_the_badge_stays_well_formed_xml()
    {
        var svg = XDocument.Parse(BadgeSvg.Render("A & <b>\"B\"</b>", "Operational", BadgeTone.Good)).Root!;

        Assert.Equal("A & <b>\"B\"</b>: Operational", svg.Attribute("aria-label")?.Value);
        Assert.Empty(svg.Descendants("b"));
    }
}
