using StatusPage.Server.Admin;
using StatusPage.Server.Badges;
using StatusPage.Server.Calendar;
using StatusPage.Server.Cli;
using StatusPage.Server.Content;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Ledger;
using StatusPage.Server.LedgerApi;
using StatusPage.Server.Operators;
using StatusPage.Server.Providers;
using StatusPage.Server.Publishing;
using StatusPage.Server.Sla;
using StatusPage.Server.PublicSite;
using StatusPage.Server.Security;
using StatusPage.Server.Startup;
using StatusPage.Server.StaticExport;
using StatusPage.Server.StatusApi;
using StatusPage.Server.Subscriptions;
using StatusPage.Server.TransparencyApi;
using StatusPage.Server.Webhooks;
using StatusPage.Server.WriteApi;

if (CommandLine.IsVerb(args))
{
    return CommandLine.Run(args, Console.Out, Console.Error);
}

// `export-site DIR` runs this app on loopback, without its outbound services (Site/HostMode), to write its public site as static
// files (Cli/SiteExportVerb).
var siteExport = SiteExportVerb.From(args);
// `publish` exports the same way, then uploads (Cli/PublishVerb); help, usage errors and `publish --from DIR` need no server.
var publish = PublishVerb.From(args);
if (publish?.RunWithoutServer(Console.Out, Console.Error) is { } published)
{
    return published;
}
var builder = WebApplication.CreateBuilder(siteExport?.HostArgs ?? publish?.HostArgs ?? args);
builder.AddStartup();
builder.AddLedger();
builder.AddTransparency();
builder.AddContent();
builder.AddTransportSecurity();
builder.AddOperators();
builder.AddWriteApi();
builder.AddPublicSite();
builder.AddStatusApi();
builder.AddFeeds();
builder.AddCalendar();
builder.AddBadges();
builder.AddWebhooks();
builder.AddProviders();
builder.AddPublishing();
// No email before the whole chain is verified: a start from a read-model snapshot verifies it in the background after Ready.
builder.AddSubscriptions(async services =>
{
    await services.GetRequiredService<LedgerReadiness>().Ready;
    await services.GetRequiredService<LedgerService>().Verification;
});

var app = builder.Build();
app.UseTransportSecurity();
app.UseErrorResponses();
app.UseStartingUp();
app.UseLanguagePaths();
app.UseRoutingWarmedUp();
app.UseSecurityHeaders();
app.UseDeclaredCacheClasses();
app.UsePublicSite();
app.UseOperators();
app.MapLedger();
app.MapTransparency();
app.MapTiles();
app.MapOperators();
app.MapWriteApi();
app.MapPublicSite();
app.MapAdminConsole();
app.MapStatusApi();
app.MapFeeds();
app.MapCalendar();
app.MapBadges();
app.MapProviders();
app.MapSla();
app.MapWebhooks();
app.MapSubscriptions(admin => admin.RequireAuthorization(OperatorsSetup.AdminPolicy)
    .AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies));

if (siteExport is not null)
{
    return siteExport.Run(app, Console.Out, Console.Error);
}
if (publish is not null)
{
    return publish.Run(app, Console.Out, Console.Error);
}

var readiness = app.Services.GetRequiredService<LedgerReadiness>();
try
{
    app.Run();
}
catch (DataFileInUseException e)
{
    // A second server on the same data file: say so plainly instead of a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    // A setting that cannot work (e.g. StatusPage:Email:DkimPrivateKeyFile): its message names it, without a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
// Start-up can also fail after the server began listening (LedgerStartup logs why and stops it).
return readiness.Ready.IsFaulted ? 1 : 0;

public partial class Program;
