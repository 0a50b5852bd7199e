using System.Text;

namespace StatusPage.Server.Ledger;

// The server listens while it replays and verifies the ledger (seconds, for a long history). Until that and every start-up
// step are done, requests get a 503 that says so (StartingUpMiddleware), and background work awaits Ready.
public sealed class LedgerReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(Exception failure) => _ready.TrySetException(failure);

    // Stopped before it was ready (SIGTERM during the replay): not a failure, so the process still exits 0.
    internal void MarkStopped() => _ready.TrySetCanceled();
}

// Work that must see the replayed ledger and finish before the first request is served (content ingestion, the first-start
// operator). Steps run in the order they were registered, after the replay.
public interface IStartupStep
{
    Task RunAsync(CancellationToken cancellationToken);
}

// Before the ledger is ready: 503 with Retry-After, as problem+json for the APIs and feeds and as a page that reloads itself
// for a reader. Never cached, so a proxy cannot keep serving "starting" once the server is up.
public sealed class StartingUpMiddleware(RequestDelegate next, LedgerReadiness readiness)
{
    private const int RetryAfterSeconds = 1;

    private static readonly byte[] Page = Encoding.UTF8.GetBytes($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="{{RetryAfterSeconds}}"><title>Starting</title>
        <style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}</style></head>
        <body><main><h1>The status page is starting</h1>
        <p>It is checking its history of incidents before showing it. This page reloads by itself in a moment.</p></main></body></html>
        """);

    private static readonly byte[] Problem = Encoding.UTF8.GetBytes(
        """{"type":"about:blank","title":"Starting","status":503,"detail":"The server is replaying and verifying its ledger. Try again in a moment."}""");

    public Task InvokeAsync(HttpContext context)
    {
        if (readiness.IsReady)
        {
            return next(context);
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var wantsPage = context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        response.ContentType = wantsPage ? "text/html; charset=utf-8" : "application/problem+json";
        var body = wantsPage ? Page : Problem;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }
}
