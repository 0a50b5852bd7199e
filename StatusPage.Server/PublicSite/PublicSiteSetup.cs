using System.Globalization;
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
    public static readonly CultureInfo[] Cultures = [new("en"), new("fr")];

    // No inline script, no third-party origin; the console (/admin) sets its own policy for WebAssembly.
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddPublicSite(this WebApplicationBuilder builder)
    {
        // Serve CSS from the build output in any environment (a published app has no manifest and is unaffected).
        builder.WebHost.UseStaticWebAssets();
        // Accented and typographic characters as themselves, not &#xE9; entities: smaller pages, readable source.
        builder.Services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
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

    public static WebApplication UsePublicSite(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (!context.Request.Path.StartsWithSegments("/admin") && !context.Request.Path.StartsWithSegments("/_framework"))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            return next(context);
        });
        app.UseRequestLocalization(options =>
        {
            options.SetDefaultCulture("en");
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            options.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        app.UseMiddleware<PageCacheMiddleware>();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPublicSite(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets();
        app.MapGet("/lang/{code}", ChooseLanguage);
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Client._Imports).Assembly);
        return app;
    }

    // The visible language switch: remembers the choice in a cookie and goes back to the page (a local path only).
    private static RedirectHttpResult ChooseLanguage(string code, HttpContext context, string? back = null)
    {
        var culture = Cultures.FirstOrDefault(c => c.Name == code) ?? Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        var target = back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/";
        return TypedResults.LocalRedirect(target);
    }
}
