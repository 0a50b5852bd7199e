using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Startup;

// What every feature needs before it starts, and the start-up sequence itself: the settings, the clock, readiness, the
// replay and start-up steps (LedgerStartup) run once the server listens, and the 503 answered until they are done.
internal static class StartupSetup
{
    public static IHostApplicationBuilder AddStartup(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<StatusPageOptions>(builder.Configuration.GetSection(StatusPageOptions.Section));
        builder.Services.AddSingleton(_ => ClockOf(builder.Configuration));
        builder.Services.AddSingleton<LedgerReadiness>();
        builder.Services.AddHostedService<LedgerStartup>();
        builder.Services.AddSingleton<RoutingWarmUp>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RoutingWarmUp>());
        return builder;
    }

    // The server's clock runs (the system's, or StatusPage:Clock's running on); a verb's stands at its start, so that an export
    // that takes minutes still shows one instant on every page (a current month's SLA minutes had differed between two exports).
    private static TimeProvider ClockOf(IConfiguration configuration)
    {
        var clock = ShiftedClock.From(configuration[$"{StatusPageOptions.Section}:Clock"]);
        return HostMode.ReadsSiteOnly(configuration) ? new FrozenClock(clock.GetUtcNow()) : clock;
    }

    // Early in the pipeline: until the ledger is ready, no feature sees a request.
    public static IApplicationBuilder UseStartingUp(this IApplicationBuilder app) => app.UseMiddleware<StartingUpMiddleware>();

    // UseRouting, with its matcher built while the ledger loads rather than on the first reader's request (RoutingWarmUp).
    public static IApplicationBuilder UseRoutingWarmedUp(this IApplicationBuilder app)
    {
        app.ApplicationServices.GetRequiredService<RoutingWarmUp>().UseRouting(app);
        return app;
    }
}
