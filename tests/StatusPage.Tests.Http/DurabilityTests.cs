using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace StatusPage.Tests.Http;

// The real server as its own process on a real data file, killed with SIGKILL while updates are in flight.
public sealed class DurabilityTests
{
    private const string Token = "sp_durability-token-0123456789abcdefghijklmnop";

    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        public ServerProcess(string dataPath)
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

    [Fact]
    public async Task Every_update_acknowledged_before_a_sigkill_is_present_after_restart_and_the_chain_verifies()
    {
        var dir = Directory.CreateTempSubdirectory("statuspage-durability-").FullName;
        var dataPath = Path.Combine(dir, "statuspage.db");
        var acknowledged = new ConcurrentBag<string>();
        string incidentId;
        using (var server = new ServerProcess(dataPath))
        {
            await server.WaitUntilReady();
            (incidentId, _) = await server.Client.CreateIncident("Durability under SIGKILL");
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var response = await server.Client.Post($"/api/v1/incidents/{incidentId}/updates",
                            new { Status = "identified", Body = $"writer {w} update {i}" });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add((await response.Json()).GetProperty("id").GetString()!);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();
            while (acknowledged.Count < 60)
            {
                await Task.Delay(20);
            }
            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using var restarted = new ServerProcess(dataPath);
        await restarted.WaitUntilReady();

        var incident = await restarted.Client.Incident(incidentId);
        var present = incident.GetProperty("updates").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToHashSet();
        var head = await (await restarted.Client.GetAsync(Api.Url("/api/v1/ledger/head"))).Json();
        Assert.True(acknowledged.Count >= 60);
        Assert.Subset(present, acknowledged.ToHashSet());
        Assert.True(head.GetProperty("verified").GetBoolean(), head.ToString());
        var seqs = incident.GetProperty("updates").EnumerateArray().Select(p => p.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Directory.Delete(dir, recursive: true);
    }
}
