using System.Net;
using System.Net.Sockets;

namespace StatusPage.Tests.Http;

// A TCP front on 127.0.0.1 for the SMTP sinks, where the server under test is pointed: counts the connections it gets, and
// forwards each to the sink chosen now (a working one, a failing one) or closes it at once (the SMTP server is down).
public sealed class SmtpGate : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private volatile int _target;
    private int _accepted;

    public SmtpGate(SmtpSink sink)
    {
        _target = sink.Port;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public void ForwardTo(SmtpSink sink) => _target = sink.Port;

    // Every connection is accepted and closed before the greeting, as a relay that is down behind a load balancer.
    public void Refuse() => _target = 0;

    public Dictionary<string, string> Settings(SmtpSink sink)
    {
        var settings = sink.Settings();
        settings["StatusPage:Email:SmtpPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private async Task AcceptAsync()
    {
        while (true)
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
            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(client, _target);
        }
    }

    private static async Task ServeAsync(TcpClient client, int target)
    {
        using (client)
        {
            if (target == 0)
            {
                return;
            }
            using var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, target);
                var near = client.GetStream();
                var far = upstream.GetStream();
                // Either side closing (the server killed, the sink stopped) closes both.
                await Task.WhenAny(near.CopyToAsync(far), far.CopyToAsync(near));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
