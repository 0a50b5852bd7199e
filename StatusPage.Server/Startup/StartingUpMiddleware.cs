using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Localization;
using StatusPage.Server.HttpCache;
using StatusPage.Server.PublicSite;

namespace StatusPage.Server.Startup;

// Before the ledger is ready: 503 with Retry-After, as problem+json for the APIs and feeds and, for a browser, a page in the
// reader's language that reloads itself. Never cached, so a proxy cannot keep serving "starting" once the server is up.
internal sealed class StartingUpMiddleware(RequestDelegate next, LedgerReadiness readiness, IStringLocalizer<Strings> text,
    HtmlEncoder html)
{
    private const int RetryAfterSeconds = 1;

    private static readonly byte[] Problem = Encoding.UTF8.GetBytes(
        """{"type":"about:blank","title":"Starting","status":503,"detail":"The server is replaying and verifying its ledger. Try again in a moment."}""");

    // Rendered once per language: while starting, nothing else (site name, stylesheet) is known yet.
    private readonly Dictionary<string, byte[]> _pages =
        ReaderLanguage.Cultures.ToDictionary(c => c.TwoLetterISOLanguageName, c => Page(c, text, html));

    public Task InvokeAsync(HttpContext context)
    {
        if (readiness.IsReady)
        {
            return next(context);
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var wantsPage = context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        response.ContentType = wantsPage ? "text/html; charset=utf-8" : "application/problem+json";
        var body = wantsPage ? _pages[ReaderLanguage.Choose(context.Request).TwoLetterISOLanguageName] : Problem;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    private static byte[] Page(CultureInfo culture, IStringLocalizer<Strings> text, HtmlEncoder html)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var title = html.Encode(text["StartingTitle"]);
            var explanation = html.Encode(text["StartingText"]);
            return Encoding.UTF8.GetBytes($$"""
                <!DOCTYPE html>
                <html lang="{{culture.TwoLetterISOLanguageName}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="refresh" content="{{RetryAfterSeconds}}"><title>{{title}}</title>
                <style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}</style></head>
                <body><main><h1>{{title}}</h1><p>{{explanation}}</p></main></body></html>
                """);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
