using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.Operators;

internal static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperators(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/v1/session").WithTags("Operators").WithJsonBodies();
        session.MapPost("/", SignIn).Validates<SignInRequest>(_ => new SignInValidator()).AllowAnonymous()
            .RequireRateLimiting(OperatorsSetup.SignInLimit);
        session.MapGet("/", GetSession).RequireAuthorization(OperatorsSetup.SignedInPolicy);
        session.MapDelete("/", SignOut).RequireAuthorization(OperatorsSetup.SignedInPolicy);

        var operators = app.MapGroup("/api/v1/operators").WithTags("Operators")
            .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies).WithJsonBodies();
        operators.MapGet("/", ListOperators).RequireAuthorization(OperatorsSetup.AdminPolicy);
        operators.MapPost("/", CreateOperatorAccount).Validates<CreateOperatorRequest>(_ => new CreateOperatorValidator())
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/password", SetPassword).Validates<SetPasswordRequest>(_ => new SetPasswordValidator())
            .RequireAuthorization(OperatorsSetup.SignedInPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/role", SetRole).Validates<SetRoleRequest>(_ => new SetRoleValidator())
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);
        operators.MapPost("/{username}/disable", Disable)
            .RequireAuthorization(OperatorsSetup.AdminPolicy).RequireRateLimiting(OperatorsSetup.WriteLimit);

        var tokens = app.MapGroup("/api/v1/tokens").WithTags("Operators").RequireAuthorization(OperatorsSetup.OperatorPolicy)
            .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies).WithJsonBodies();
        tokens.MapGet("/", ListTokens);
        tokens.MapPost("/", CreateToken).Validates<CreateTokenRequest>(_ => new CreateTokenValidator())
            .RequireRateLimiting(OperatorsSetup.WriteLimit);
        tokens.MapDelete("/{id}", RevokeToken).RequireRateLimiting(OperatorsSetup.WriteLimit);
        return app;
    }

    public sealed record OperatorView(string Username, OperatorRole Role, bool Disabled, bool MustChangePassword, DateTimeOffset CreatedAt,
        string CreatedBy);

    public sealed record TokenView(string Id, string Name, string Operator, DateTimeOffset CreatedAt, string CreatedBy,
        DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

    private static async Task<Results<Ok<SessionInfo>, ValidationProblem, ProblemHttpResult>> SignIn(SignInRequest request,
        HttpContext http, LedgerService ledger, CredentialStore credentials, IAntiforgery antiforgery)
    {
        if (credentials.Verify(ledger.Current.Roster, request.Username!, request.Password!) is not { } account)
        {
            return Problems.Of(RuleCatalogue.ValidCredentials, "Unknown username or wrong password.", "password", "Sign-in failed.");
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
        CreateOperatorRequest request, ClaimsPrincipal user, LedgerService ledger, CredentialStore credentials)
    {
        var role = WordsExtensions.TryParseWord<OperatorRole>(request.Role, out var parsed) ? parsed : OperatorRole.Operator;
        var oneTime = request.Password is null ? CredentialStore.NewPassword() : null;
        var sha = credentials.Save(request.Username!, request.Password ?? oneTime!);
        var result = await ledger.AppendAsync(new CreateOperator(request.Username!, role, sha, oneTime is not null), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<Created<OperatorAccountCreated>>(violation);
        }
        return TypedResults.Created($"/api/v1/operators/{request.Username}", new OperatorAccountCreated(request.Username!, role.ToWord(), oneTime));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetPassword(string username,
        SetPasswordRequest request, HttpContext http, ClaimsPrincipal user, LedgerService ledger, CredentialStore credentials)
    {
        if (user.Identity!.Name != username && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(RuleCatalogue.SelfOrAdmin, "Only an admin may set another operator's password.", "username");
        }
        // An admin setting someone else's password hands over a temporary one; the operator's own choice is final.
        var mustChange = user.Identity.Name != username;
        var sha = credentials.Save(username, request.Password!);
        var result = await ledger.AppendAsync(new SetOperatorPassword(username, sha, mustChange), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<NoContent>(violation);
        }
        if (user.Identity.Name == username && user.Identity.AuthenticationType == OperatorsSetup.CookieScheme
            && result.Snapshot.Roster.Operators[username] is { } account)
        {
            await http.SignInAsync(OperatorsSetup.CookieScheme, OperatorsSetup.SessionPrincipal(account));
        }
        return TypedResults.NoContent();
    }

    // The rules refuse to demote the last active admin (409 keep_one_admin).
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetRole(string username,
        SetRoleRequest request, ClaimsPrincipal user, LedgerService ledger)
    {
        var role = WordsExtensions.TryParseWord<OperatorRole>(request.Role, out var parsed) ? parsed : OperatorRole.Operator;
        var result = await ledger.AppendAsync(new SetOperatorRole(username, role), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<NoContent>(violation);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Disable(string username, ClaimsPrincipal user,
        LedgerService ledger)
    {
        var result = await ledger.AppendAsync(new DisableOperator(username, "disabled by an admin"), user.Identity!.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<NoContent>(violation);
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
    private static async Task<Results<Created<TokenCreated>, ValidationProblem, ProblemHttpResult>> CreateToken(
        CreateTokenRequest request, ClaimsPrincipal user, LedgerService ledger)
    {
        var owner = request.Operator ?? user.Identity!.Name!;
        if (owner != user.Identity!.Name && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(RuleCatalogue.SelfOrAdmin, "Only an admin may create a token for another operator.", "operator");
        }
        var token = ApiTokens.NewToken();
        var id = LedgerService.NewId();
        var result = await ledger.AppendAsync(new CreateApiToken(id, request.Name!.Trim(), owner, ApiTokens.Hash(token)), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<Created<TokenCreated>>(violation);
        }
        return TypedResults.Created($"/api/v1/tokens/{id}", new TokenCreated(id, request.Name.Trim(), owner, token));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeToken(string id, ClaimsPrincipal user,
        LedgerService ledger)
    {
        var roster = ledger.Current.Roster;
        if (roster.Tokens.TryGetValue(id, out var token) && token.Operator != user.Identity!.Name && !user.IsInRole(OperatorRole.Admin.ToWord()))
        {
            return Problems.Of(RuleCatalogue.SelfOrAdmin, "Only an admin may revoke another operator's token.", "id");
        }
        var result = await ledger.AppendAsync(new RevokeApiToken(id, $"revoked by {user.Identity!.Name}"), user.Identity.Name!);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<NoContent>(violation);
        }
        return TypedResults.NoContent();
    }

    private static SessionInfo Session(HttpContext http, IAntiforgery antiforgery, string username, OperatorRole role, bool mustChange) =>
        new(username, role.ToWord(), antiforgery.GetAndStoreTokens(http).RequestToken!, mustChange);
}
