using System.Diagnostics;

namespace StatusPage.Server.Startup;

// The first request that reaches routing builds its endpoint matcher over every endpoint (the pages, the APIs, the console's
// hundreds of static files): about 0.6 s on a 2-core machine, which the first reader after a restart used to wait for once
// the ledger was ready. Here one in-process request goes through the real routing while the ledger loads, and stops there.
internal sealed partial class RoutingWarmUp(IServiceScopeFactory scopes, ILogger<RoutingWarmUp> logger) : IHostedLifecycleService
{
    // Any page: the matcher is built whole on the first match, whatever the path.
    public const string Path = "/history";

    private RequestDelegate? _routing;
    private readonly TaskCompletionSource<Endpoint?> _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The endpoint routing chose for the warm-up request (null if none matched), once it has run.
    public Task<Endpoint?> Matched => _matched.Task;

    // In place of UseRouting: keeps the pipeline from routing on, and ends the warm-up request right after routing.
    public void UseRouting(IApplicationBuilder app)
    {
        app.Use(next => _routing = next);
        app.UseRouting();
        app.Use(next => context => context.Features.Get<WarmUpRequest>() is { } warmUp ? warmUp.End(context) : next(context));
    }

    // After the server started (the pipeline is built), beside the ledger's load (LedgerStartup starts it then too).
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            await using var scope = scopes.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("localhost");
            context.Request.Path = Path;
            var warmUp = new WarmUpRequest();
            context.Features.Set(warmUp);
            await (_routing ?? throw new InvalidOperationException("RoutingWarmUp.UseRouting was not called"))(context);
            LogWarmedUp(clock.ElapsedMilliseconds);
            _matched.TrySetResult(warmUp.Endpoint);
        }
        catch (Exception e)
        {
            // Only the first reader's wait is at stake: the server starts all the same.
            LogFailed(e);
            _matched.TrySetException(e);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing warmed up in {Milliseconds} ms")]
    private partial void LogWarmedUp(long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing warm-up failed; the first request will build the matcher")]
    private partial void LogFailed(Exception exception);

    // Marks the warm-up's own request, which goes no further than routing.
    private sealed class WarmUpRequest
    {
        public Endpoint? Endpoint { get; private set; }

        public Task End(HttpContext context)
        {
            Endpoint = context.GetEndpoint();
            return Task.CompletedTask;
        }
    }
}
