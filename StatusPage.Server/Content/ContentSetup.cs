using StatusPage.Server.Site;

namespace StatusPage.Server.Content;

internal static class ContentSetup
{
    public static IHostApplicationBuilder AddContent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SiteSettingsHolder>();
        builder.Services.AddSingleton<ContentIngestor>();
        return builder;
    }
}
