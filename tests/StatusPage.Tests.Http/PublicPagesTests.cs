using System.Net;

namespace StatusPage.Tests.Http;

public sealed class PublicPagesTests(PublicPagesTests.Server server) : IClassFixture<PublicPagesTests.Server>
{
    private readonly HttpClient _client = server.CreateClient();

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new();

        public HttpClient CreateClient() => _factory.CreateClient();

        public void Dispose() => _factory.Dispose();
    }

    [Fact]
    public async Task Home_page_shows_the_overall_status_the_components_and_the_open_incident()
    {
        var response = await _client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Tidewater Metrics status</title>", html, StringComparison.Ordinal);
        Assert.Contains("Minor Service Outage", html, StringComparison.Ordinal);
        Assert.Contains("Elevated query latency for long-range queries", html, StringComparison.Ordinal);
        Assert.Contains("Private network between data centers", html, StringComparison.Ordinal);
        Assert.DoesNotContain("integrity-warning", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_page_is_a_404_in_the_site_style()
    {
        var response = await _client.GetAsync(new Uri("/no/such/page", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Back to the current status", html, StringComparison.Ordinal);
        Assert.Contains("Tidewater Metrics", html, StringComparison.Ordinal);
    }
}
