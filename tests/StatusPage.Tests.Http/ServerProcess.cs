using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace StatusPage.Tests.Http;

// The real server as its own process on a real data file (SIGKILL-able), with an admin token and extra --key=value settings.
public sealed class ServerProcess : IDisposable
{
    public const string Token = "sp_durability-token-0123456789abcdefghijklmnop";

    private readonly Process _process;

    public ServerProcess(string dataPath, params string[] settings)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                TestPaths.ServerDll, $"--StatusPage:DataPath={dataPath}", $"--StatusPage:ContentPath={TestPaths.RepositoryContent}",
                "--StatusPage:RateLimits:WritesPerMinute=100000", "--urls", $"http://127.0.0.1:{Port}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }
        start.Environment["STATUSPAGE_ADMIN_TOKEN"] = Token;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public async Task WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, "the server process exited during start-up");
            try
            {
                if ((await Client.GetAsync(Api.Url("/api/v1/ledger/head"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Assert.Fail("the server did not start within 60 s");
    }

    // SIGTERM, as systemd or docker stop it: returns the exit code once the server has shut down.
    public int StopGracefully()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not stop within 30 s of SIGTERM");
        return _process.ExitCode;
    }

    // SIGKILL on Linux: no shutdown hooks, no flush.
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }
        _process.Dispose();
        Client.Dispose();
    }
}
