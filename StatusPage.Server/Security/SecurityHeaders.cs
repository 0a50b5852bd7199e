using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.Security;

// Security headers on every answer after start-up, with the content security policy the routed endpoint declares.
// After routing (it reads the endpoint), before anything that writes an answer.
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        SecurityHeaders.Apply(context);
        return next(context);
    }
}

internal static class SecurityHeaders
{
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues Referrer = "strict-origin-when-cross-origin";
    private static readonly StringValues Hsts = "max-age=31536000";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    // Also called by the exception handler, which clears the headers (and the endpoint: an error gets the public policy).
    public static void Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = NoSniff;
        headers["Referrer-Policy"] = Referrer;
        if (context.Request.IsHttps)
        {
            // Only over HTTPS (directly or behind a known TLS proxy): browsers ignore it on plain HTTP anyway.
            headers.StrictTransportSecurity = Hsts;
        }
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<ContentSecurityPolicy>() ?? ContentSecurityPolicy.Public;
        if (!StringValues.IsNullOrEmpty(policy.Value))
        {
            headers.ContentSecurityPolicy = policy.Value;
        }
    }
}
