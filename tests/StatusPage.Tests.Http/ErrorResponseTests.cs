using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

// Whatever goes wrong, the answer has a body (problem+json for APIs, the styled page for browsers) and the security headers.
public sealed class ErrorResponseTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private readonly HttpClient _admin = server.Client();

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.Contains("Content-Security-Policy") || response.Content.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task A_write_sent_as_text_plain_is_a_415_problem_and_stores_nothing()
    {
        var before = await _admin.HeadSeq();

        var response = await _admin.PostAsync(Api.Url("/api/v1/incidents"),
            new StringContent("""{"title":"t","impact":"minor","status":"investigating","body":"b"}""", Encoding.UTF8, "text/plain"));

        var problem = await response.Json();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("json_content_type", problem.GetProperty("rule").GetString());
        AssertSecurityHeaders(response);
        Assert.Equal(before, await _admin.HeadSeq());
    }

    [Theory]
    [InlineData("GET", "/api/v1/no-such-thing", HttpStatusCode.NotFound, "path", "known_route")]
    [InlineData("PUT", "/api/v1/incidents", HttpStatusCode.MethodNotAllowed, "method", "allowed_method")]
    [InlineData("DELETE", "/api/v2/summary.json", HttpStatusCode.MethodNotAllowed, "method", "allowed_method")]
    public async Task Unknown_routes_and_methods_on_the_api_are_problems(string method, string path, HttpStatusCode status, string field,
        string rule)
    {
        var response = await _admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), Api.Url(path)));

        await response.Problem(status, field, rule);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task A_browser_gets_the_styled_not_found_page_and_an_api_client_a_problem()
    {
        using var browser = server.Factory.CreateClient();
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        using var script = server.Factory.CreateClient();
        script.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var page = await browser.GetAsync(Api.Url("/no-such-page"));
        var problem = await script.GetAsync(Api.Url("/api/v2/no-such-list.json"));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("stylesheet", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertSecurityHeaders(page);
        await problem.Problem(HttpStatusCode.NotFound, "path", "known_route");
    }

    [Fact]
    public async Task A_server_error_is_a_problem_with_the_security_headers()
    {
        await using var factory = new StatusPageFactory(settings: new Dictionary<string, string>
        {
            ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        // The data file goes away under the server: the append throws.
        factory.Services.GetRequiredService<LedgerStore>().Dispose();

        var response = await client.Post("/api/v1/incidents", Api.NewIncident("Store gone"));

        Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("rule").GetString()));
        AssertSecurityHeaders(response);
    }
}

// Paths a client library would normalise, sent byte for byte to the real server (Kestrel) over a socket.
public sealed class RawPathTests : IAsyncLifetime
{
    private readonly StatusPageFactory _factory = new(kestrel: true);
    private Uri _address = null!;

    public Task InitializeAsync()
    {
        _factory.StartServer();
        _address = _factory.ListeningAddress();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<(int Status, string Head, string Body)> Send(string method, string target, string accept)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port);
        var stream = tcp.GetStream();
        var request = $"{method} {target} HTTP/1.1\r\nHost: {_address.Authority}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, split < 0 ? "" : text[(split + 4)..]);
    }

    public static TheoryData<string> HostilePaths =>
    [
        "/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/%2e%2e%2fledger", "/api/v1/ledger/..%2f..%2fetc",
        "/api/v1/incidents/..%2f..%2fledger/updates",
    ];

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public async Task Traversal_and_nul_paths_get_a_problem_with_the_security_headers(string path)
    {
        var (status, head, body) = await Send("GET", path, "application/json");

        Assert.True(status is >= 400 and < 500, $"{path}: {head}");
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"rule\"", body, StringComparison.Ordinal);
        Assert.Contains("X-Content-Type-Options: nosniff", head, StringComparison.OrdinalIgnoreCase);
    }

    // Kestrel itself refuses a NUL in the path with a bare 400 before any application code runs (it offers no hook to
    // add a body): refused, never a 5xx, nothing reaches the write path.
    [Theory]
    [InlineData("POST", "/api/v1/incidents/%00/updates")]
    [InlineData("GET", "/incidents/a%00b")]
    public async Task A_nul_in_the_path_is_refused_by_the_server_before_the_application(string method, string path)
    {
        var (status, head, _) = await Send(method, path, "application/json");

        Assert.True(status == 400, $"{path}: {head}");
    }

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/incidents/..%2f..%2fetc")]
    public async Task A_browser_gets_the_styled_page_for_such_paths(string path)
    {
        var (status, head, body) = await Send("GET", path, "text/html");

        Assert.True(status is >= 400 and < 500, $"{path}: {head}");
        Assert.Contains("Content-Type: text/html", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("stylesheet", body, StringComparison.Ordinal);
        Assert.Contains("X-Content-Type-Options: nosniff", head, StringComparison.OrdinalIgnoreCase);
    }
}
