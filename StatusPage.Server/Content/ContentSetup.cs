using Microsoft.Extensions.Options;
using StatusPage.Server.Ledger;
using StatusPage.Server.Site;

namespace StatusPage.Server.Content;

public static class ContentSetup
{
    public static IHostApplicationBuilder AddContent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SiteSettingsHolder>();
        builder.Services.AddSingleton<ContentIngestor>();
        builder.Services.AddHostedService<LedgerStartup>();
        return builder;
    }
}

// Before the server listens: replay and verify the ledger, then append what content/ adds. A lock error stops start-up here.
public sealed class LedgerStartup(LedgerService ledger, LedgerStore store, ContentIngestor ingestor,
    IOptions<StatusPageOptions> options, IHostEnvironment environment, IHostApplicationLifetime lifetime) : IHostedService
{
    public IngestReport? LastReport { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ledger.Load();
        var contentPath = options.Value.Resolve(environment.ContentRootPath).ContentPath;
        LastReport = await ingestor.IngestAsync(contentPath, cancellationToken).ConfigureAwait(false);
        lifetime.ApplicationStarted.Register(static () => ThreadPool.QueueUserWorkItem(static _ => LedgerService.ReturnReplayMemory()));
    }

    // Close the data file (and release its lock) as soon as the host stops, not whenever the container is disposed.
    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Dispose();
        return Task.CompletedTask;
    }
}
