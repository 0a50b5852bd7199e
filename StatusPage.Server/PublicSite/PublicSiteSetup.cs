using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using StatusPage.Server.Components;

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
        // Public pages render statically and nothing else: the console is a standalone WebAssembly app (Admin/AdminConsole).
        builder.Services.AddRazorComponents();
        builder.Services.AddLocalization();
        builder.Services.AddScoped<PageText>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        return builder;
    }

    // Language, security headers and the page cache come first: a cached page is answered before anything else runs.
    public static WebApplication UsePublicSite(this WebApplication app)
    {
        app.UseMiddleware<PageCacheMiddleware>();
        // Explicit, so routing runs after the cache (WebApplication would otherwise put it first).
        app.UseRouting();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseApiProblems();
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPublicSite(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets();
        app.MapGet("/lang/{code}", ChooseLanguage);
        app.MapRazorComponents<App>();
        return app;
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
