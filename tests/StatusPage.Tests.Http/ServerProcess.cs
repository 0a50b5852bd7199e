using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace StatusPage.Tests.Http;

// The real server as its own process on a real data file (SIGKILL-able), with an admin token and extra --key=value settings.
public sealed class ServerProcess : IDisposable
{
    public const string Token = "sp_durability-token-0123456789abcdefghijklmnop";

    private const string ListeningPrefix = "Now listening on: ";

    // Every server of a test run starts on the demo clock as far past DemoNow as the run is old: a restarted server's clock
    // moves on from the one before, as a real one would, and never depends on the day the tests run.
    private static readonly long RunStarted = Stopwatch.GetTimestamp();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _address;
    private HttpClient? _client;

    public ServerProcess(string dataPath, params string[] settings)
    {
        // Port 0: the server binds a free port itself and names it on stdout, so no port is released and raced for in between.
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                TestPaths.ServerDll, $"--StatusPage:DataPath={dataPath}", $"--StatusPage:ContentPath={TestPaths.RepositoryContent}",
                $"--StatusPage:Clock={StatusPageFactory.ClockSetting(StatusPageFactory.DemoNow + Stopwatch.GetElapsedTime(RunStarted))}",
                "--StatusPage:RateLimits:WritesPerMinute=100000", "--urls", "http://127.0.0.1:0",
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
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("the server process exited before it listened:\n" + Output));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    // Where the server listens, from its "Now listening on: http://127.0.0.1:NNNNN" line.
    public Uri Address => _address ?? throw new InvalidOperationException("the server has not said where it listens yet (WaitUntilListening)");

    public HttpClient Client => _client ?? throw new InvalidOperationException("the server has not said where it listens yet (WaitUntilListening)");

    // Everything the server wrote so far, for failure messages.
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    // Until the server has bound its port and named it; fails with its output if it exits first or stays silent for 60 s.
    public async Task WaitUntilListening()
    {
        try
        {
            _address ??= await _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail("the server did not say where it listens within 60 s:\n" + Output);
        }
        if (_client is null)
        {
            _client = new HttpClient { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(30) };
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
    }

    // Listening, then ready: the server answers 503 while it replays its ledger, so this polls for the first success.
    public async Task WaitUntilReady()
    {
        await WaitUntilListening();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, "the server process exited during start-up:\n" + Output);
            if ((await Client.GetAsync(Api.Url("/api/v1/ledger/head"))).IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(200);
        }
        Assert.Fail("the server did not become ready within 60 s:\n" + Output);
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (at >= 0)
        {
            _listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim().TrimEnd('/') + "/"));
        }
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
        _client?.Dispose();
    }
}
