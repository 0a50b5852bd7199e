using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.PublicSite;
using StatusPage.Server.Site;

namespace StatusPage.Tests.Components;

// A bUnit context with what public components need: localized words (English) and the site's time zone.
public static class PublicComponentContext
{
    public static BunitContext Create(string culture = "en")
    {
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo(culture);
        var context = new BunitContext();
        context.Services.AddLocalization();
        context.Services.AddSingleton(new SiteSettingsHolder
        {
            Current = SiteSettings.Default with { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris") },
        });
        context.Services.AddScoped<PageText>();
        return context;
    }
}
