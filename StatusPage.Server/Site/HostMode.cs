namespace StatusPage.Server.Site;

// Why this process runs the app: as the server, or for a verb (export-site, publish) that starts it on loopback only to read its
// own public site. Hosted services that act on the world outside (deliver webhooks, send email, read providers' status pages,
// publish to a bucket) are registered with AddOutboundService, which leaves them out of a verb's run: an export reads pages, it
// never delivers, sends, calls out or publishes, and creates no first admin. Start-up itself (replay, content ingestion, signing
// the head) runs in both: the export shows what the server would serve from the same data file and content.
internal static class HostMode
{
    // Set by the verbs on their own host's command line (Cli/), not an operator's setting.
    public const string Setting = "StatusPage:HostMode";
    public const string SiteReader = "site-reader";
    public const string SiteReaderArgument = "--" + Setting + "=" + SiteReader;

    public static bool ReadsSiteOnly(IConfiguration configuration) => configuration[Setting] == SiteReader;

    public static IHostApplicationBuilder AddOutboundService<T>(this IHostApplicationBuilder builder) where T : class, IHostedService
    {
        if (!ReadsSiteOnly(builder.Configuration))
        {
            builder.Services.AddHostedService<T>();
        }
        return builder;
    }

    // A singleton that is also the hosted service (others reach it, e.g. to wake it): the singleton stays, the loop does not run.
    public static IHostApplicationBuilder AddOutboundService<T>(this IHostApplicationBuilder builder, Func<IServiceProvider, T> service)
        where T : class, IHostedService
    {
        if (!ReadsSiteOnly(builder.Configuration))
        {
            builder.Services.AddHostedService(service);
        }
        return builder;
    }
}
