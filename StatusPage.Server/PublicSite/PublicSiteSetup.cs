using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using StatusPage.Server.Components;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Security;

namespace StatusPage.Server.PublicSite;

public static class PublicSiteSetup
{
    public static WebApplicationBuilder AddPublicSite(this WebApplicationBuilder builder)
    {
        // Serve CSS from the build output in any environment (a published app has no manifest and is unaffected).
        builder.WebHost.UseStaticWebAssets();
        // No "Server: Kestrel" banner: it tells an attacker nothing useful to the reader and costs bytes on every answer.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Accented and typographic characters as themselves, not &#xE9; entities: smaller pages, readable source.
        builder.Services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        // Public pages render statically; only the console (/admin, App.razor) opts into InteractiveWebAssembly.
        builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        builder.Services.AddLocalization();
        builder.Services.AddScoped<PageText>();
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
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseApiProblems();
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPublicSite(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().Finally(DeclareStaticFile);
        app.MapGet("/lang/{code}", ChooseLanguage);
        var pages = app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Client._Imports).Assembly);
        pages.Finally(StaticOutsideTheConsole);
        pages.Finally(DeclarePage);
        return app;
    }

    // Public pages are cached pages that also answer HEAD (monitors check with HEAD); the console's pages are never stored and
    // run under the console's policy.
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
        else if (endpoint.Metadata.OfType<ComponentTypeMetadata>().Any(c => c.Type.Assembly == typeof(Client._Imports).Assembly))
        {
            endpoint.Metadata.Add(ContentSecurityPolicy.Console);
            endpoint.Metadata.Add(CacheClass.NoStore);
        }
    }

    // Framework files (scripts, WebAssembly) are never documents: no policy. A fingerprinted file never changes under its name
    // (the build-output manifest would say no-cache).
    private static void DeclareStaticFile(EndpointBuilder endpoint)
    {
        var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText;
        if (route?.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal) == true)
        {
            endpoint.Metadata.Add(ContentSecurityPolicy.None);
        }
        if (DeclaredCacheClasses.IsFingerprinted(route))
        {
            endpoint.Metadata.Add(CacheClass.Immutable);
        }
    }

    // Public pages stay purely static (no component-state comment, same bytes for every reader): their endpoints declare no
    // interactive render mode, which is what the renderer checks before persisting state; only /admin keeps WebAssembly.
    private static void StaticOutsideTheConsole(EndpointBuilder endpoint)
    {
        if (endpoint is not RouteEndpointBuilder { RoutePattern.RawText: { } route } || route.StartsWith("/admin", StringComparison.Ordinal))
        {
            return;
        }
        // The framework's metadata type is internal: replace it with an instance of the same type listing no modes.
        var configured = endpoint.Metadata.FirstOrDefault(m => m.GetType().Name == "ConfiguredRenderModesMetadata");
        if (configured is not null)
        {
            endpoint.Metadata.Remove(configured);
            endpoint.Metadata.Add(Activator.CreateInstance(configured.GetType(), BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic,
                null, [Array.Empty<Microsoft.AspNetCore.Components.IComponentRenderMode>()], CultureInfo.InvariantCulture)!);
        }
    }

    // The visible language switch: remembers the choice in a cookie and goes back to the page (a local path only).
    private static RedirectHttpResult ChooseLanguage(string code, HttpContext context, string? back = null)
    {
        var culture = ReaderLanguage.Cultures.FirstOrDefault(c => c.Name == code) ?? ReaderLanguage.Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, ReaderLanguage.CookieValue(culture),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        var target = back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/";
        return TypedResults.LocalRedirect(target);
    }
}
