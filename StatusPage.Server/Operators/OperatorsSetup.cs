using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Startup;

using StatusPage.Server.Site;

namespace StatusPage.Server.Operators;

// Configuration section "StatusPage:RateLimits": permits per minute, per client address (sign-in) or per operator (writes).
internal sealed class RateLimitOptions
{
    public const string Section = "StatusPage:RateLimits";

    public int SignInPerMinute { get; set; } = 10;

    public int WritesPerMinute { get; set; } = 120;
}

internal static class OperatorsSetup
{
    public const string Scheme = "Operator";
    public const string BearerScheme = "Bearer";
    public const string CookieScheme = "OperatorCookie";
    public const string OperatorPolicy = "operator";
    public const string AdminPolicy = "admin";
    public const string SignedInPolicy = "signed-in";
    public const string SignInLimit = "sign-in";
    public const string WriteLimit = "writes";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string TokenIdClaim = "statuspage:token_id";
    public const string CredentialClaim = "statuspage:credential";
    public const string MustChangeClaim = "statuspage:must_change_password";
    public const string SessionClaim = "statuspage:session";

    // A console cookie lives this long after its last use (sliding); a revoked session is remembered this long.
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);
    private static readonly StringValues NoStore = "no-store";

    public static IHostApplicationBuilder AddOperators(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<IPasswordHasher<string>, PasswordHasher<string>>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<TokenUsage>();
        services.AddSingleton<SessionRevocations>();
        // A verb reading its own site (export-site, publish) creates no admin: no ledger entry, no password in its output.
        if (!HostMode.ReadsSiteOnly(builder.Configuration))
        {
            services.AddSingleton<IStartupStep, AdminBootstrap>();
        }
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Operator (API token or console cookie)", o => o.ForwardDefaultSelector =
                http => http.Request.Headers.Authorization.Count > 0 ? BearerScheme : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(BearerScheme, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "statuspage_operator";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = SessionLifetime;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => Unauthorized(context.HttpContext);
                o.Events.OnRedirectToAccessDenied = context => Forbidden(context.HttpContext);
                o.Events.OnValidatePrincipal = ValidateSession;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(SignedInPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(OperatorPolicy, p => p.RequireRole(OperatorRole.Admin.ToWord(), OperatorRole.Operator.ToWord())
                .RequireAssertion(c => !c.User.HasClaim(MustChangeClaim, "true")))
            .AddPolicy(AdminPolicy, p => p.RequireRole(OperatorRole.Admin.ToWord())
                .RequireAssertion(c => !c.User.HasClaim(MustChangeClaim, "true")));
        services.AddAntiforgery(o => o.HeaderName = AntiforgeryHeader);
        services.AddRateLimiter(o =>
        {
            o.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds))
                    : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests.",
                    $"Slow down: try again in {seconds} seconds.", rule: "rate_limit");
            };
            o.AddPolicy(SignInLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => Window(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SignInPerMinute)));
            o.AddPolicy(WriteLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => Window(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.WritesPerMinute)));
        });
        return builder;
    }

    // After routing (UsePublicSite routes explicitly), so authorization and rate limiting see the endpoint.
    public static WebApplication UseOperators(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(NoStoreWhenAuthenticated);
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    // What a signed-in operator sees (tokens, operators, webhook URLs that may hold secrets, sessions) is never stored by a
    // browser or a proxy; sign-in answers too, since they carry the antiforgery token.
    private static Task NoStoreWhenAuthenticated(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true || context.Request.Path.StartsWithSegments("/api/v1/session"))
        {
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.CacheControl = NoStore;
                return Task.CompletedTask;
            }, context.Response);
        }
        return next(context);
    }

    // Each sign-in is a new session, with its own id so that signing out can revoke exactly it.
    public static ClaimsPrincipal SessionPrincipal(OperatorAccount account) => new(new ClaimsIdentity(
    [
        new Claim(SessionClaim, SessionRevocations.NewSessionId()),
        new Claim(ClaimTypes.Name, account.Username),
        new Claim(ClaimTypes.Role, account.Role.ToWord()),
        new Claim(CredentialClaim, account.CredentialSha256 ?? ""),
        new Claim(MustChangeClaim, account.MustChangePassword ? "true" : "false"),
    ], CookieScheme));

    // Cookie writes also need the antiforgery header (a bearer token cannot be sent by another site's form, a cookie can).
    public static async ValueTask<object?> RequireAntiforgeryForCookies(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme }
            && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "Missing or invalid antiforgery token.",
                $"Console writes send the antiforgery_token from GET /api/v1/session in the {AntiforgeryHeader} header.",
                AntiforgeryHeader, RuleCatalogue.Antiforgery.Code);
        }
        return await next(context);
    }

    // A session ends when it is signed out, or its operator is disabled, changes password or changes role.
    private static Task ValidateSession(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var roster = services.GetRequiredService<LedgerService>().Current.Roster;
        var user = context.Principal;
        if (user?.FindFirstValue(SessionClaim) is not { } session || services.GetRequiredService<SessionRevocations>().IsRevoked(session)
            || user.Identity?.Name is not { } name || !roster.Operators.TryGetValue(name, out var account) || account.Disabled
            || user.FindFirstValue(CredentialClaim) != (account.CredentialSha256 ?? "") || !user.IsInRole(account.Role.ToWord()))
        {
            context.RejectPrincipal();
            return context.HttpContext.SignOutAsync(CookieScheme);
        }
        return Task.CompletedTask;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    public static Task Unauthorized(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(http, StatusCodes.Status401Unauthorized, "Authentication required.",
            "Send Authorization: Bearer <API token>, or sign in at POST /api/v1/session.", "Authorization", RuleCatalogue.Authenticated.Code);
    }

    public static Task Forbidden(HttpContext http) =>
        Problems.WriteAsync(http, StatusCodes.Status403Forbidden, "Not allowed.",
            "Your role does not allow this (or a one-time password must be changed first).", "role", RuleCatalogue.RoleAllows.Code);
}

// Authorization: Bearer <API token>. The token's SHA-256 is looked up in the roster projected from the ledger.
internal sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, LedgerService ledger, TokenUsage usage, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("Only Bearer API tokens are accepted."));
        }
        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0 || ledger.Current.Roster.FindActiveToken(ApiTokens.Hash(token)) is not { } found)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API token is unknown or revoked."));
        }
        var (apiToken, owner) = found;
        usage.Touch(apiToken.Id, time.GetUtcNow());
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, owner.Username),
            new Claim(ClaimTypes.Role, owner.Role.ToWord()),
            new Claim(OperatorsSetup.TokenIdClaim, apiToken.Id),
        ], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => OperatorsSetup.Unauthorized(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => OperatorsSetup.Forbidden(Context);
}
