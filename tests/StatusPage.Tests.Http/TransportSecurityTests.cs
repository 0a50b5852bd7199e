using System.Net;
using System.Net.Http.Json;

namespace StatusPage.Tests.Http;

// Behind a TLS-terminating proxy the server sees plain HTTP; with the proxy configured as known, it believes X-Forwarded-Proto.
// Over a real socket (Kestrel on loopback), so the proxy's address is a real one.
public sealed class TransportSecurityTests
{
    private static async Task<(HttpResponseMessage SignIn, HttpResponseMessage Home)> AsForwardedHttps(string? knownProxy)
    {
        var settings = new Dictionary<string, string> { ["STATUSPAGE_ADMIN_PASSWORD"] = WriteApiServer.AdminPassword };
        if (knownProxy is not null)
        {
            settings["StatusPage:ForwardedHeaders:KnownProxies:0"] = knownProxy;
        }
        await using var factory = new StatusPageFactory(kestrel: true, settings: settings);
        factory.StartServer();
        using var http = new HttpClient { BaseAddress = factory.ListeningAddress() };
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var signIn = await http.PostAsJsonAsync(Api.Url("/api/v1/session"), new { username = "admin", password = WriteApiServer.AdminPassword });
        var home = await http.GetAsync(Api.Url("/"));
        return (signIn, home);
    }

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("statuspage_operator=", StringComparison.Ordinal));

    [Fact]
    public async Task Behind_a_known_tls_proxy_the_session_cookie_is_secure_and_hsts_is_sent()
    {
        var (signIn, home) = await AsForwardedHttps(knownProxy: "127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("secure", SessionCookie(signIn), StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", string.Join(",", signIn.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.True(home.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("192.0.2.1")]
    public async Task A_forwarded_proto_from_anyone_but_a_known_proxy_is_ignored(string? knownProxy)
    {
        var (signIn, home) = await AsForwardedHttps(knownProxy);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.DoesNotContain("secure", SessionCookie(signIn), StringComparison.OrdinalIgnoreCase);
        Assert.False(signIn.Headers.Contains("Strict-Transport-Security"));
        Assert.False(home.Headers.Contains("Strict-Transport-Security"));
    }
}
