using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StatusPage.Tests.Http;

// A loopback TCP relay in front of s3rver that lets a number of object PUTs through and holds every later one, unsent, until
// it is disposed: a publish pointed at it stops at a known upload, so a test can kill it midway without racing s3rver's log.
// Bytes pass unchanged (the SigV4 signature covers the Host header the client sent, which s3rver checks as received).
public sealed class PutGate : IDisposable
{
    private static readonly byte[] PutLine = Encoding.ASCII.GetBytes("PUT /" + S3rverProcess.Bucket + "/");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly int _allowed;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _puts;

    public PutGate(Uri upstream, int allowedPuts)
    {
        _upstream = upstream;
        _allowed = allowedPuts;
        _listener.Start();
        _ = Accept();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    // Completes when a PUT beyond the allowed number has arrived and is being held.
    public Task Holding => _holding.Task;

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Relay(client);
        }
    }

    private async Task Relay(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                var up = Requests(client.GetStream(), server.GetStream());
                var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client was killed or the gate disposed: the connection simply ends.
            }
        }
    }

    // Client to s3rver, counting request lines that start an object PUT; from the first one over the limit nothing more is sent
    // (a PUT line split across two reads is matched byte by byte, so no byte is ever held back waiting for the next read).
    private async Task Requests(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        var matched = 0;
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }
            for (var i = 0; i < read; i++)
            {
                matched = buffer[i] == PutLine[matched] ? matched + 1 : buffer[i] == PutLine[0] ? 1 : 0;
                if (matched == PutLine.Length)
                {
                    matched = 0;
                    if (Interlocked.Increment(ref _puts) > _allowed)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, i), _stop.Token);
                        _holding.TrySetResult();
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }
                }
            }
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
