using StatusPage.Server.Site;

namespace StatusPage.Server.Publishing;

internal static class PublishSetup
{
    // The options always (the publish verb reads them); the automatic publisher only when StatusPage:Publish:Automatic is true.
    public static IHostApplicationBuilder AddPublishing(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(PublishOptions.Section);
        builder.Services.Configure<PublishOptions>(section);
        if (section.GetValue<bool>(nameof(PublishOptions.Automatic)))
        {
            builder.Services.AddSingleton<PublishStateStore>();
            builder.AddOutboundService<AutoPublisher>();
        }
        return builder;
    }
}
