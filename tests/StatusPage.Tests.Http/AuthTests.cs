using System.Net;
using System.Net.Http.Json;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

public sealed class AuthTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private readonly HttpClient _admin = server.Client();

    private async Task<string> NewOperatorToken(string username, string role = "operator")
    {
        await (await _admin.Post("/api/v1/operators", new { Username = username, Role = role, Password = "a long enough password" })).Created();
        var token = await (await _admin.Post("/api/v1/tokens", new { Name = $"{username} script", Operator = username })).Created();
        return token.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task Writes_without_a_valid_token_are_401_problems_and_store_nothing()
    {
        var before = await _admin.HeadSeq();

        var anonymous = await server.Client(token: null).Post("/api/v1/incidents", Api.NewIncident());
        var wrong = await server.Client("sp_not-a-real-token").Post("/api/v1/incidents", Api.NewIncident());

        await anonymous.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await wrong.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        Assert.Contains("Bearer", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await _admin.HeadSeq());
    }

    [Fact]
    public async Task An_operator_posts_incidents_but_only_an_admin_redacts_or_manages_operators()
    {
        var client = server.Client(await NewOperatorToken("olga"));

        var (id, updateId) = await client.CreateIncident("Posted by an operator");
        var redact = await client.Post($"/api/v1/incidents/{id}/updates/{updateId}/redactions", new { Reason = "mine" });
        var createOperator = await client.Post("/api/v1/operators", new { Username = "mallory", Role = "admin" });

        await redact.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
        await createOperator.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
        Assert.Equal("olga", (await client.Incident(id)).GetProperty("updates")[0].GetProperty("author").GetString());
    }

    [Fact]
    public async Task A_revoked_token_stops_working_and_tokens_show_when_they_were_last_used()
    {
        var token = await (await _admin.Post("/api/v1/tokens", new { Name = "alerting" })).Created();
        var id = token.GetProperty("id").GetString()!;
        var client = server.Client(token.GetProperty("token").GetString());

        await client.CreateIncident("Before revocation");
        var listed = await _admin.GetFromJsonAsync<List<TokenRow>>(Api.Url("/api/v1/tokens"), WriteApiServer.Json);
        var revoke = await _admin.DeleteAsync(Api.Url($"/api/v1/tokens/{id}"));
        var after = await client.Post("/api/v1/incidents", Api.NewIncident("After revocation"));

        Assert.NotNull(Assert.Single(listed!, t => t.Id == id).LastUsedAt);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await after.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        await (await _admin.DeleteAsync(Api.Url($"/api/v1/tokens/{id}"))).Problem(HttpStatusCode.Conflict, "id", "not_already_revoked");
        await (await _admin.DeleteAsync(Api.Url("/api/v1/tokens/nosuchtoken1"))).Problem(HttpStatusCode.NotFound, "id", "known_token");
    }

    private sealed record TokenRow(string Id, string Name, string Operator, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

    [Fact]
    public async Task Account_and_token_changes_are_in_the_ledger_with_hashes_never_secrets()
    {
        var before = await _admin.HeadSeq();
        await (await _admin.Post("/api/v1/operators", new { Username = "pia", Role = "operator", Password = "pia's long password" })).Created();
        var token = (await (await _admin.Post("/api/v1/tokens", new { Name = "pia cron", Operator = "pia" })).Created())
            .GetProperty("token").GetString()!;

        var ledgerText = await _admin.GetStringAsync(Api.Url($"/api/v1/ledger?after={before}"));
        var entries = await _admin.Ledger(before);

        Assert.Contains(entries, e => e.Kind == EntryKinds.OperatorCreated && e.Subject == "pia" && e.Author == "admin");
        Assert.Contains(entries, e => e.Kind == EntryKinds.OperatorPasswordSet && e.Subject == "pia");
        Assert.Contains(entries, e => e.Kind == EntryKinds.TokenCreated && e.Payload.Contains(LedgerEntry.Sha256Hex(token), StringComparison.Ordinal));
        Assert.DoesNotContain(token, ledgerText, StringComparison.Ordinal);
        Assert.DoesNotContain("pia's long password", ledgerText, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", ledgerText, StringComparison.Ordinal); // the PasswordHasher v3 prefix: no hash is published
        var all = await _admin.Ledger();
        Assert.Contains(all, e => e.Kind == EntryKinds.TokenCreated && e.Subject.Length == 12 && e.Author == "system"
            && e.Payload.Contains(LedgerEntry.Sha256Hex(WriteApiServer.AdminToken), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Console_sign_in_sets_a_cookie_and_cookie_writes_need_the_antiforgery_header()
    {
        var console = server.Client(token: null);

        var wrong = await console.Post("/api/v1/session", new { Username = "admin", Password = "wrong password!" });
        var session = await console.Post("/api/v1/session", new { Username = "admin", Password = WriteApiServer.AdminPassword });
        var withoutHeader = await console.Post("/api/v1/incidents", Api.NewIncident("Cookie without header"));
        var antiforgery = (await session.Json()).GetProperty("antiforgery_token").GetString();
        console.DefaultRequestHeaders.Add("X-CSRF-TOKEN", antiforgery);
        var withHeader = await console.Post("/api/v1/incidents", Api.NewIncident("Cookie with header"));
        var signOut = await console.DeleteAsync(Api.Url("/api/v1/session"));
        var afterSignOut = await console.Post("/api/v1/incidents", Api.NewIncident("Cookie after sign-out"));

        await wrong.Problem(HttpStatusCode.Unauthorized, "password", "valid_credentials");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Contains(session.Headers.GetValues("Set-Cookie"), c => c.StartsWith("statuspage_operator=", StringComparison.Ordinal)
            && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        await withoutHeader.Problem(HttpStatusCode.BadRequest, "X-CSRF-TOKEN", "antiforgery");
        await withHeader.Created();
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        await afterSignOut.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
    }

    [Fact]
    public async Task An_operator_created_without_a_password_gets_a_one_time_password_that_must_be_changed_before_writing()
    {
        var created = await (await _admin.Post("/api/v1/operators", new { Username = "nina", Role = "operator" })).Created();
        var oneTime = created.GetProperty("password").GetString()!;
        var console = server.Client(token: null);

        var session = await (await console.Post("/api/v1/session", new { Username = "nina", Password = oneTime })).Json();
        console.DefaultRequestHeaders.Add("X-CSRF-TOKEN", session.GetProperty("antiforgery_token").GetString());
        var blocked = await console.Post("/api/v1/incidents", Api.NewIncident("Before password change"));
        var tooShort = await console.Post("/api/v1/operators/nina/password", new { Password = "short" });
        var changed = await console.Post("/api/v1/operators/nina/password", new { Password = "nina's own long password" });
        var refreshed = await (await console.GetAsync(Api.Url("/api/v1/session"))).Json();
        console.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        console.DefaultRequestHeaders.Add("X-CSRF-TOKEN", refreshed.GetProperty("antiforgery_token").GetString());
        var allowed = await console.Post("/api/v1/incidents", Api.NewIncident("After password change"));

        Assert.Equal(20, oneTime.Length);
        await blocked.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
        await tooShort.Problem(HttpStatusCode.BadRequest, "password", "min_length");
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await allowed.Created();
    }

    [Fact]
    public async Task An_operator_cannot_change_another_operators_password_and_the_last_admin_cannot_be_disabled()
    {
        var client = server.Client(await NewOperatorToken("omar"));

        await (await client.Post("/api/v1/operators/admin/password", new { Password = "taken over password" }))
            .Problem(HttpStatusCode.Forbidden, "username", "self_or_admin");
        await (await _admin.Post("/api/v1/operators/admin/disable", new { }))
            .Problem(HttpStatusCode.Conflict, "role", "keep_one_admin");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.Post("/api/v1/operators/omar/disable", new { })).StatusCode);
        await (await client.Post("/api/v1/incidents", Api.NewIncident("Disabled operator")))
            .Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
    }
}

public sealed class RateLimitTests
{
    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_get_429_with_retry_after()
    {
        using var server = WriteApiServer.With(new Dictionary<string, string> { ["StatusPage:RateLimits:SignInPerMinute"] = "2" });
        var client = server.Client(token: null);

        for (var i = 0; i < 2; i++)
        {
            await (await client.Post("/api/v1/session", new { Username = "admin", Password = "wrong password!" }))
                .Problem(HttpStatusCode.Unauthorized, "password", "valid_credentials");
        }
        var limited = await client.Post("/api/v1/session", new { Username = "admin", Password = WriteApiServer.AdminPassword });

        var problem = await limited.Json();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limit", problem.GetProperty("rule").GetString());
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task Writes_beyond_the_limit_get_429_with_retry_after_and_store_nothing()
    {
        using var server = WriteApiServer.With(new Dictionary<string, string> { ["StatusPage:RateLimits:WritesPerMinute"] = "3" });
        var client = server.Client();
        var (id, _) = await client.CreateIncident("Rate limited");
        await (await client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "2" })).Created();
        await (await client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "3" })).Created();
        var before = await client.HeadSeq();

        var limited = await client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = "4" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limit", (await limited.Json()).GetProperty("rule").GetString());
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(before, await client.HeadSeq());
    }
}
