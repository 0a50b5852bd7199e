using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.PublicSite.Shell;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Security;
using StatusPage.Server.StaticExport;

namespace StatusPage.Server.PublicSite;

internal static class PublicSiteSetup
{
    public static WebApplicationBuilder AddPublicSite(this WebApplicationBuilder builder)
    {
        // Serve CSS from the build output in any environment (a published app has no manifest and is unaffected).
        builder.WebHost.UseStaticWebAssets();
        // No "Server: Kestrel" banner: it tells an attacker nothing useful to the reader and costs bytes on every answer.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Accented and typographic characters as themselves, not &#xE9; entities: smaller pages, readable source.
        builder.Services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        // Public pages render statically and nothing else: the console is a standalone WebAssembly app (Admin/AdminConsole).
        builder.Services.AddRazorComponents();
        builder.Services.AddLocalization();
        builder.Services.AddScoped<PageText>();
        builder.Services.AddSingleton<RenderCounter>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        return builder;
    }

    // After routing and the security headers (Program.cs): the page cache answers a cached page before anything else below runs.
    public static WebApplication UsePublicSite(this WebApplication app)
    {
        app.UseMiddleware<PageCacheMiddleware>();
        app.UseLanguageLinks();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseApiProblems();
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPublicSite(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().Finally(DeclareStaticFile);
        app.MapGet("/lang/{code}", ChooseLanguage);
        app.MapRazorComponents<App>().Finally(DeclarePage);
        return app;
    }

    // Public pages are cached pages that also answer HEAD (monitors check with HEAD).
    private static void DeclarePage(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.OfType<CachedPageAttribute>().Any())
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().ToList();
            foreach (var declared in methods)
            {
                endpoint.Metadata.Remove(declared);
            }
            endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.SelectMany(m => m.HttpMethods).Append(HttpMethods.Head).Distinct()],
                methods.Any(m => m.AcceptCorsPreflight)));
        }
    }

    // Framework files (scripts, WebAssembly) are never documents: no policy. A fingerprinted file never changes under its name
    // (the build-output manifest would say no-cache).
    private static void DeclareStaticFile(EndpointBuilder endpoint)
    {
        var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText;
        if (route is not null && ("/" + route.TrimStart('/')).Contains("/_framework/", StringComparison.Ordinal))
        {
            endpoint.Metadata.Add(ContentSecurityPolicy.None);
        }
        if (DeclaredCacheClasses.IsFingerprinted(route))
        {
            endpoint.Metadata.Add(CacheClass.Immutable);
        }
        // Browsers ask for /favicon.ico on every visit unless they may keep it: a week, like a page's other furniture.
        if (route?.TrimStart('/') == "favicon.ico")
        {
            endpoint.Metadata.Add(CacheClass.Public(TimeSpan.FromDays(7)));
        }
    }

    // The visible language switch: remembers the choice in a cookie and goes back to the page (a local path only).
    private static RedirectHttpResult ChooseLanguage(string code, HttpContext context, string? back = null)
    {
        var culture = ReaderLanguage.Cultures.FirstOrDefault(c => c.Name == code) ?? ReaderLanguage.Cultures[0];
        ReaderLanguage.Remember(context.Response, culture);
        var target = back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/";
        return TypedResults.LocalRedirect(target);
    }
}
