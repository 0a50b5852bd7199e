using Microsoft.AspNetCore.WebUtilities;
using StatusPage.Client.Contracts;
using StatusPage.Server.Edge;
using StatusPage.Server.Ledger;
using StatusPage.Server.Security;

namespace StatusPage.Server.PublicSite;

// Every error answer has a body and the security headers: problem+json for the APIs (or a client asking for JSON), the styled
// page for a browser. Covers what no endpoint answers itself: unknown routes, wrong methods or content types, exceptions.
internal static class ErrorResponses
{
    // First in the pipeline: an exception anywhere below becomes a 500 with a body and the headers (the server would send neither).
    public static WebApplication UseErrorResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Written here, never re-executed through the page cache; the middleware logs the exception.
            ExceptionHandler = WriteServerErrorAsync,
        });
        return app;
    }

    // After routing: a bare 4xx/5xx left by routing or the framework (404, 405, 415, 400) gets a problem+json body for API clients;
    // browsers keep the styled page (UseStatusCodePagesWithReExecute, which skips an answer that already has a body).
    public static WebApplication UseApiProblems(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            var response = context.Response;
            if (response.HasStarted || response.StatusCode < 400 || response.ContentLength is not null
                || !string.IsNullOrEmpty(response.ContentType) || HttpMethods.IsHead(context.Request.Method) || !WantsProblem(context.Request))
            {
                return;
            }
            var (field, rule, detail) = Describe(context);
            await Problems.WriteAsync(context, response.StatusCode, ReasonPhrases.GetReasonPhrase(response.StatusCode), detail, field, rule);
        });
        return app;
    }

    public static bool WantsProblem(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi")
        || (request.Headers.Accept.ToString() is var accept && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && accept.Contains("json", StringComparison.OrdinalIgnoreCase));

    private static (string Field, string Rule, string Detail) Describe(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ("path", RuleCatalogue.KnownRoute.Code, "Nothing is served at this path."),
        StatusCodes.Status405MethodNotAllowed => ("method", RuleCatalogue.AllowedMethod.Code, $"{context.Request.Method} is not allowed on this path."),
        StatusCodes.Status415UnsupportedMediaType => ("Content-Type", RuleCatalogue.JsonContentType.Code,
            "The request body must be JSON: send Content-Type: application/json."),
        StatusCodes.Status413PayloadTooLarge => ("body", RuleCatalogue.MaxRequestBytes.Code, "The request body is too large."),
        >= 500 => ("", RuleCatalogue.ServerError.Code, "The server could not answer this request."),
        _ => ("request", RuleCatalogue.ValidRequest.Code, "The request could not be understood."),
    };

    private static async Task WriteServerErrorAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status500InternalServerError;
        // The exception handler cleared the headers: set them again, and never let a cache keep an error.
        SecurityHeaders.Apply(context);
        response.Headers.CacheControl = "no-store";
        // A write beside the ledger (sign-out, a webhook) that the disk refused is the same answer as a refused ledger write.
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is StorageUnavailableException)
        {
            await Problems.WriteAsync(context, StatusCodes.Status507InsufficientStorage, "The data file cannot be written.",
                "Nothing was saved: the data file cannot be written right now. Try again once the disk has space or works again.",
                "", RuleCatalogue.StorageUnavailable.Code);
            return;
        }
        if (WantsProblem(context.Request) || !context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal server error.",
                "The server could not answer this request.", "", RuleCatalogue.ServerError.Code);
            return;
        }
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(ServerErrorPage);
    }

    // Self-contained (no layout, no data): whatever failed cannot fail again while showing this.
    private const string ServerErrorPage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Something went wrong</title>
        <link rel="stylesheet" href="/app.css"></head>
        <body><main><h1>Something went wrong</h1><p>The server could not show this page. Please try again in a moment, or go <a href="/">back to the status page</a>.</p></main></body></html>
        """;
}
