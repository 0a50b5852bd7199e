using System.Net;
using System.Net.Http.Json;

namespace StatusPage.Tests.Http;

// A console session is a signed cookie; these tests keep a copy of it, as an attacker who lifted it would, and replay it.
public sealed class SessionTests(SessionTests.Server fixture) : IClassFixture<SessionTests.Server>
{
    // Many sign-ins from one test client address: a rate limit that never gets in the way.
    public sealed class Server : IDisposable
    {
        public WriteApiServer Api { get; } =
            WriteApiServer.With(new Dictionary<string, string> { ["StatusPage:RateLimits:SignInPerMinute"] = "1000" });

        public void Dispose() => Api.Dispose();
    }

    private readonly WriteApiServer _server = fixture.Api;
    private readonly HttpClient _admin = fixture.Api.Client();

    // The cookies and antiforgery token of one sign-in, replayed by hand on a client that keeps no cookies of its own.
    private sealed record SavedSession(string Cookies, string Antiforgery);

    private async Task<SavedSession> SignIn(string username, string password)
    {
        using var console = _server.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        var response = await console.Post("/api/v1/session", new { Username = username, Password = password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        return new SavedSession(cookies, (await response.Json()).GetProperty("antiforgery_token").GetString()!);
    }

    private static HttpRequestMessage With(SavedSession session, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, Api.Url(path))
        {
            Content = body is null ? null : JsonContent.Create(body, options: WriteApiServer.Json),
        };
        request.Headers.Add("Cookie", session.Cookies);
        request.Headers.Add("X-CSRF-TOKEN", session.Antiforgery);
        return request;
    }

    private async Task<HttpResponseMessage> Send(SavedSession session, HttpMethod method, string path, object? body = null)
    {
        using var client = _server.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        return await client.SendAsync(With(session, method, path, body));
    }

    private async Task NewOperator(string username, string password) =>
        await (await _admin.Post("/api/v1/operators", new { Username = username, Role = "operator", Password = password })).Created();

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_saved_cookie_neither_reads_nor_writes()
    {
        await NewOperator("sasha", "sasha's long password");
        var saved = await SignIn("sasha", "sasha's long password");
        var other = await SignIn("sasha", "sasha's long password");
        await (await Send(saved, HttpMethod.Post, "/api/v1/incidents", Api.NewIncident("Before sign-out"))).Created();

        var signOut = await Send(saved, HttpMethod.Delete, "/api/v1/session");
        var before = await _admin.HeadSeq();
        var read = await Send(saved, HttpMethod.Get, "/api/v1/session");
        var write = await Send(saved, HttpMethod.Post, "/api/v1/incidents", Api.NewIncident("After sign-out"));
        var otherSession = await Send(other, HttpMethod.Get, "/api/v1/session");

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await read.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await write.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        Assert.Equal(before, await _admin.HeadSeq());
        Assert.Equal(HttpStatusCode.OK, otherSession.StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_every_earlier_session_of_that_operator()
    {
        await NewOperator("pavel", "pavel's long password");
        var saved = await SignIn("pavel", "pavel's long password");
        var current = await SignIn("pavel", "pavel's long password");
        Assert.Equal(HttpStatusCode.OK, (await Send(saved, HttpMethod.Get, "/api/v1/session")).StatusCode);

        var changed = await Send(current, HttpMethod.Post, "/api/v1/operators/pavel/password", new { Password = "pavel's new long password" });
        var read = await Send(saved, HttpMethod.Get, "/api/v1/session");
        var write = await Send(saved, HttpMethod.Post, "/api/v1/incidents", Api.NewIncident("With an old session"));

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await read.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await write.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
    }

    [Fact]
    public async Task Disabling_an_operator_ends_their_sessions()
    {
        await NewOperator("dora", "dora's long password");
        var saved = await SignIn("dora", "dora's long password");
        Assert.Equal(HttpStatusCode.OK, (await Send(saved, HttpMethod.Get, "/api/v1/session")).StatusCode);

        var disabled = await _admin.Post("/api/v1/operators/dora/disable", new { });
        var read = await Send(saved, HttpMethod.Get, "/api/v1/session");

        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        await read.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
    }

    public static TheoryData<string> AuthenticatedReads =>
        ["/api/v1/tokens", "/api/v1/operators", "/api/v1/webhooks", "/api/v1/incidents", "/api/v1/incidents?state=all", "/api/v1/session",
         "/api/v1/components", "/api/v1/maintenance"];

    [Theory]
    [MemberData(nameof(AuthenticatedReads))]
    public async Task Authenticated_answers_are_never_stored_by_a_cache(string path)
    {
        var admin = await SignIn("admin", WriteApiServer.AdminPassword);

        var byToken = await _admin.GetAsync(Api.Url(path));
        var byCookie = await Send(admin, HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCookie.StatusCode);
        Assert.True(byToken.Headers.CacheControl?.NoStore, $"{path} by token: {byToken.Headers.CacheControl}");
        Assert.True(byCookie.Headers.CacheControl?.NoStore, $"{path} by cookie: {byCookie.Headers.CacheControl}");
    }

    [Fact]
    public async Task Sign_in_answers_are_never_stored_and_public_reads_stay_cacheable()
    {
        using var anonymous = _server.Factory.CreateClient();
        var signIn = await anonymous.Post("/api/v1/session", new { Username = "admin", Password = WriteApiServer.AdminPassword });
        using var reader = _server.Factory.CreateClient();
        var summary = await reader.GetAsync(Api.Url("/api/v2/summary.json"));

        Assert.True(signIn.Headers.CacheControl?.NoStore);
        Assert.NotEqual(true, summary.Headers.CacheControl?.NoStore);
    }
}

// A signed-out session stays ended across a restart: the revocation is in the data file, not only in memory.
public sealed class SessionRestartTests
{
    [Fact]
    public async Task A_signed_out_cookie_is_still_refused_after_a_restart_while_a_live_one_still_works()
    {
        var dataDir = Directory.CreateTempSubdirectory("statuspage-session-").FullName;
        try
        {
            string signedOut;
            string live;
            using (var first = WriteApiServer.OnDataDir(dataDir))
            {
                signedOut = await SignIn(first);
                live = await SignIn(first);
                Assert.Equal(HttpStatusCode.NoContent, (await Send(first, signedOut, HttpMethod.Delete)).StatusCode);
            }
            using var second = WriteApiServer.OnDataDir(dataDir);

            var refused = await Send(second, signedOut, HttpMethod.Get);
            var accepted = await Send(second, live, HttpMethod.Get);

            await refused.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<string> SignIn(WriteApiServer server)
    {
        using var client = server.Factory.CreateClient(new() { HandleCookies = false });
        var response = await client.Post("/api/v1/session", new { Username = "admin", Password = WriteApiServer.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    private static async Task<HttpResponseMessage> Send(WriteApiServer server, string cookies, HttpMethod method)
    {
        using var client = server.Factory.CreateClient(new() { HandleCookies = false });
        var request = new HttpRequestMessage(method, Api.Url("/api/v1/session"));
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request);
    }
}
