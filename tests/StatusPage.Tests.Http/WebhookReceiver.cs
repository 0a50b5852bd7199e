using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StatusPage.Tests.Http;

// A real HTTP receiver on 127.0.0.1 (Kestrel): records every delivery and answers 500 while told to fail, 200 after.
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failuresLeft;
    private bool _hang;

    private WebhookReceiver(int failFirst)
    {
        _failuresLeft = failFirst;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/hook", Receive);
    }

    public sealed record Received(string? DeliveryId, string? Signature, string? Timestamp, string? ContentType, byte[] Body, int AnsweredWith);

    public string Url { get; private set; } = "";

    public IReadOnlyList<Received> All => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var receiver = new WebhookReceiver(failFirst);
        await receiver._app.StartAsync();
        receiver.Url = receiver._app.Urls.Single().TrimEnd('/') + "/hook";
        return receiver;
    }

    // A receiver that hangs: every request waits, unanswered, until Release (or the sender gives up).
    public static async Task<WebhookReceiver> StartHangingAsync()
    {
        var receiver = await StartAsync();
        receiver._hang = true;
        return receiver;
    }

    // Completes once a request is being held unanswered.
    public Task Holding => _holding.Task;

    public void Release() => _release.TrySetResult();

    // From now on, answer 500 this many more times (int.MaxValue: until told otherwise).
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    public IReadOnlyList<Received> For(string deliveryId) => [.. _received.Where(r => r.DeliveryId == deliveryId)];

    public ValueTask DisposeAsync()
    {
        Release();
        return _app.DisposeAsync();
    }

    private async Task<IResult> Receive(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        if (_hang)
        {
            _holding.TrySetResult();
            await _release.Task.WaitAsync(request.HttpContext.RequestAborted);
        }
        var fail = Interlocked.Decrement(ref _failuresLeft) >= 0;
        var status = fail ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        _received.Enqueue(new Received(request.Headers["X-StatusPage-Delivery"], request.Headers["X-StatusPage-Signature"],
            request.Headers["X-StatusPage-Timestamp"], request.ContentType, body.ToArray(), status));
        return Results.StatusCode(status);
    }
}
