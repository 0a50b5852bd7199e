using StatusPage.Server.HttpCache;
using StatusPage.Server.Security;

namespace StatusPage.Server.Admin;

// The operator console: a standalone WebAssembly app (StatusPage.Client) whose files are static assets under /admin/.
// Its own pages are routed in the browser, so every /admin path that is not a file answers with the app's index.html.
internal static class AdminConsole
{
    private const string IndexFile = "admin/index.html";

    public static IEndpointRouteBuilder MapAdminConsole(this IEndpointRouteBuilder app)
    {
        // No validators: the page is the same for everyone and never stored.
        var noValidators = new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                file.Context.Response.Headers.ETag = default;
                file.Context.Response.Headers.LastModified = default;
            },
        };
        app.MapFallbackToFile("/admin/{**path:nonfile}", IndexFile, noValidators)
            .WithMetadata(ContentSecurityPolicy.Console, CacheClass.NoStore);
        return app;
    }
}
