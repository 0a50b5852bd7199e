using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StatusPage.Server.History;
using StatusPage.Server.Startup;

namespace StatusPage.Server.Publishing;

// A client for this very server's public site on the address it listens on (the export fetches pages through the pipeline).
// An http:// binding is preferred; behind TLS only, the certificate must be valid for the address reached.
internal static class LoopbackSite
{
    // For the verbs (export-site, publish, whose host runs as HostMode.SiteReader): start the app on a free loopback port, wait
    // until its ledger is replayed and the whole chain verified (an export never shows "being verified"), and answer a client of
    // its public site. The caller stops the app.
    public static async Task<HttpClient> StartAsync(WebApplication app)
    {
        app.Urls.Clear();
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        await app.Services.GetRequiredService<LedgerReadiness>().Ready;
        await app.Services.GetRequiredService<LedgerService>().Verification;
        return Client(app.Services.GetRequiredService<IServer>());
    }

    // A host that never started (its data file locked by another process, say) has nothing to stop, and its StopAsync would throw.
    public static async Task StopAsync(WebApplication app)
    {
        if (app.Lifetime.ApplicationStarted.IsCancellationRequested)
        {
            await app.StopAsync();
        }
    }

    public static HttpClient Client(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault()
            ?? throw new PublishException("the server listens on no address to export its site from");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        // A wildcard binding is reached on loopback.
        if (uri.Host is "0.0.0.0" or "localhost")
        {
            uri.Host = "127.0.0.1";
        }
        else if (uri.Host is "[::]" or "::")
        {
            uri.Host = "[::1]";
        }
        return new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = uri.Uri,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }
}
