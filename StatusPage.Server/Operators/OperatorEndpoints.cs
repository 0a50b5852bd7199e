using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.WriteApi;

namespace StatusPage.Server.Operators;

public static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperators(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/v1/session").WithTags("Operators");
        session.MapPost("/", SignIn).Accepts<SignInRequest>("application/json").AllowAnonymous().RequireRateLimiting(OperatorsSetup.SignInLimit);
        session.MapGet("/", GetSession).RequireAuthorization(OperatorsSetup.SignedInPolicy);
        session.MapDelete("/", SignOut).RequireAuthorization(OperatorsSetup.SignedInPolicy);

        var operators = app.MapGroup("/api/v1/operators").WithTags("Operators")
            .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies);
        operators.MapGet("/", ListOperators).RequireAuthorization(OperatorsSetup.AdminPolicy);
        operators.MapPost("/", CreateOperatorAccount).Accepts<CreateOperatorRequest>("application/json")
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/password", SetPassword).Accepts<SetPasswordRequest>("application/json")
            .RequireAuthorization(OperatorsSetup.SignedInPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/role", SetRole).Accepts<SetRoleRequest>("application/json")
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/disable", Disable)
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);

        var tokens = app.MapGroup("/api/v1/tokens").WithTags("Operators").RequireAuthorization(OperatorsSetup.OperatorPolicy)
            .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies);
        tokens.MapGet("/", ListTokens);
        tokens.MapPost("/", CreateToken).Accepts<CreateTokenRequest>("application/json").RequireRateLimiting(OperatorsSetup.WriteLimit);
        tokens.MapDelete("/{id}", RevokeToken).RequireRateLimiting(OperatorsSetup.WriteLimit);
        return app;
    }

    public sealed record OperatorView(string Username, OperatorRole Role, bool Disabled, bool MustChangePassword, DateTimeOffset CreatedAt,
        string CreatedBy);

    public sealed record TokenView(string Id, string Name, string Operator, DateTimeOffset CreatedAt, string CreatedBy,
        DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

    private static async Task<Results<Ok<SessionInfo>, ValidationProblem, ProblemHttpResult>> SignIn(HttpContext http,
        LedgerService ledger, CredentialStore credentials, IAntiforgery antiforgery)
    {
        var body = await JsonBody.ReadAsync<SignInRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        var request = body.Value!;
        if (new SignInValidator().Validate(request) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        if (credentials.Verify(ledger.Current.Roster, request.Username!, request.Password!) is not { } account)
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "Sign-in failed.", "Unknown username or wrong password.",
                "password", "valid_credentials");
        }
        var principal = OperatorsSetup.SessionPrincipal(account);
        await http.SignInAsync(OperatorsSetup.CookieScheme, principal);
        http.User = principal;
        return TypedResults.Ok(Session(http, antiforgery, account.Username, account.Role, account.MustChangePassword));
    }

    private static Ok<SessionInfo> GetSession(HttpContext http, ClaimsPrincipal user, IAntiforgery antiforgery) =>
        TypedResults.Ok(Session(http, antiforgery, user.Identity!.Name!,
            WordsExtensions.TryParseWord<OperatorRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : OperatorRole.Operator,
            user.HasClaim(OperatorsSetup.MustChangeClaim, "true")));

    // Ends the session on the server too: a saved copy of the cookie no longer reads or writes.
    private static async Task<NoContent> SignOut(HttpRequest request, ClaimsPrincipal user, SessionRevocations revocations)
    {
        if (user.FindFirstValue(OperatorsSetup.SessionClaim) is { } session)
        {
            revocations.Revoke(session);
        }
        await request.HttpContext.SignOutAsync(OperatorsSetup.CookieScheme);
        return TypedResults.NoContent();
    }

    private static Ok<OperatorView[]> ListOperators(LedgerService ledger) =>
        TypedResults.Ok(ledger.Current.Roster.Operators.Values.OrderBy(o => o.Username, StringComparer.Ordinal)
            .Select(o => new OperatorView(o.Username, o.Role, o.Disabled, o.MustChangePassword, o.CreatedAt, o.CreatedBy)).ToArray());

    // Without a password in the request, a one-time password is generated, returned once and must be changed at first sign-in.
    private static async Task<Results<Created<OperatorAccountCreated>, ValidationProblem, ProblemHttpResult>> CreateOperatorAccount(
        HttpContext http, ClaimsPrincipal user, LedgerService ledger, CredentialStore credentials)
    {
        var body = await JsonBody.ReadAsync<CreateOperatorRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        var request = body.Value!;
        if (new CreateOperatorValidator().Validate(request) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        var role = WordsExtensions.TryParseWord<OperatorRole>(request.Role, out var parsed) ? parsed : OperatorRole.Operator;
        var oneTime = request.Password is null ? CredentialStore.NewPassword() : null;
        var sha = credentials.Save(request.Username!, request.Password ?? oneTime!);
        var result = await ledger.AppendAsync(new CreateOperator(request.Username!, role, sha, oneTime is not null), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.Created($"/api/v1/operators/{request.Username}", new OperatorAccountCreated(request.Username!, role.ToWord(), oneTime));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetPassword(string username, HttpContext http,
        ClaimsPrincipal user, LedgerService ledger, CredentialStore credentials)
    {
        if (user.Identity!.Name != username && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Not allowed.", "Only an admin may set another operator's password.",
                "username", "self_or_admin");
        }
        var body = await JsonBody.ReadAsync<SetPasswordRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        if (new SetPasswordValidator().Validate(body.Value!) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        // An admin setting someone else's password hands over a temporary one; the operator's own choice is final.
        var mustChange = user.Identity.Name != username;
        var sha = credentials.Save(username, body.Value!.Password!);
        var result = await ledger.AppendAsync(new SetOperatorPassword(username, sha, mustChange), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        if (user.Identity.Name == username && user.Identity.AuthenticationType == OperatorsSetup.CookieScheme
            && result.Snapshot.Roster.Operators[username] is { } account)
        {
            await http.SignInAsync(OperatorsSetup.CookieScheme, OperatorsSetup.SessionPrincipal(account));
        }
        return TypedResults.NoContent();
    }

    // The rules refuse to demote the last active admin (409 keep_one_admin).
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetRole(string username, HttpContext http,
        ClaimsPrincipal user, LedgerService ledger)
    {
        var body = await JsonBody.ReadAsync<SetRoleRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        if (new SetRoleValidator().Validate(body.Value!) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        var role = WordsExtensions.TryParseWord<OperatorRole>(body.Value!.Role, out var parsed) ? parsed : OperatorRole.Operator;
        var result = await ledger.AppendAsync(new SetOperatorRole(username, role), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Disable(string username, ClaimsPrincipal user,
        LedgerService ledger)
    {
        var result = await ledger.AppendAsync(new DisableOperator(username, "disabled by an admin"), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.NoContent();
    }

    // Operators see their own tokens; admins see all.
    private static Ok<TokenView[]> ListTokens(ClaimsPrincipal user, LedgerService ledger, TokenUsage usage) =>
        TypedResults.Ok(ledger.Current.Roster.Tokens.Values
            .Where(t => user.IsInRole(OperatorRole.Admin.ToWord()) || t.Operator == user.Identity!.Name)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
            .Select(t => new TokenView(t.Id, t.Name, t.Operator, t.CreatedAt, t.CreatedBy, t.RevokedAt, usage.LastUsed(t.Id))).ToArray());

    // The token is shown in this response only; the ledger keeps its SHA-256.
    private static async Task<Results<Created<TokenCreated>, ValidationProblem, ProblemHttpResult>> CreateToken(HttpContext http,
        ClaimsPrincipal user, LedgerService ledger)
    {
        var body = await JsonBody.ReadAsync<CreateTokenRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        var request = body.Value!;
        if (new CreateTokenValidator().Validate(request) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        var owner = request.Operator ?? user.Identity!.Name!;
        if (owner != user.Identity!.Name && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Not allowed.", "Only an admin may create a token for another operator.",
                "operator", "self_or_admin");
        }
        var token = ApiTokens.NewToken();
        var id = LedgerService.NewId();
        var result = await ledger.AppendAsync(new CreateApiToken(id, request.Name!.Trim(), owner, ApiTokens.Hash(token)), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.Created($"/api/v1/tokens/{id}", new TokenCreated(id, request.Name.Trim(), owner, token));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeToken(string id, ClaimsPrincipal user,
        LedgerService ledger)
    {
        var roster = ledger.Current.Roster;
        if (roster.Tokens.TryGetValue(id, out var token) && token.Operator != user.Identity!.Name && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Not allowed.", "Only an admin may revoke another operator's token.",
                "id", "self_or_admin");
        }
        var result = await ledger.AppendAsync(new RevokeApiToken(id, $"revoked by {user.Identity!.Name}"), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.NoContent();
    }

    private static SessionInfo Session(HttpContext http, IAntiforgery antiforgery, string username, OperatorRole role, bool mustChange) =>
        new(username, role.ToWord(), antiforgery.GetAndStoreTokens(http).RequestToken!, mustChange);
}
