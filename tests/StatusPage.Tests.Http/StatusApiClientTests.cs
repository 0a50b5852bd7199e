using System.Diagnostics;
using System.Text.Json.Nodes;

namespace StatusPage.Tests.Http;

// A real third-party client of the Statuspage v2 API (npm statuspage.io 3.3.8, installed by test.sh) against a real Kestrel port.
public sealed class StatusApiClientTests
{
    private static readonly string ClientDir = Path.Combine(TestPaths.RepositoryRoot, "tests", "StatusPage.Tests.Http", "StatusPageIo");

    [Fact]
    public async Task The_npm_statuspage_io_client_reads_every_list_without_error_and_sees_what_the_server_serves()
    {
        Assert.True(Directory.Exists(Path.Combine(ClientDir, "node_modules", "statuspage.io")),
            $"the npm client is not installed: run ./test.sh (or npm ci in {ClientDir})");
        await using var factory = new StatusPageFactory(kestrel: true);
        factory.StartServer();
        var baseAddress = factory.ListeningAddress();
        using var http = new HttpClient { BaseAddress = baseAddress };

        var (exitCode, stdout, stderr) = await RunNode(baseAddress);

        Assert.True(exitCode == 0, $"node exited {exitCode}: {stderr}");
        var seen = JsonNode.Parse(stdout)!.AsObject();
        // statuspage.io 3.3.8 asks upcoming.json for getActive() and getAll() too (a bug of the client, not of the server).
        var served = new Dictionary<string, string>
        {
            ["summary"] = "api/v2/summary.json",
            ["status"] = "api/v2/status.json",
            ["components"] = "api/v2/components.json",
            ["incidents"] = "api/v2/incidents.json",
            ["unresolved"] = "api/v2/incidents/unresolved.json",
            ["upcoming"] = "api/v2/scheduled-maintenances/upcoming.json",
            ["active"] = "api/v2/scheduled-maintenances/upcoming.json",
            ["maintenances"] = "api/v2/scheduled-maintenances/upcoming.json",
        };
        foreach (var (name, path) in served)
        {
            var direct = JsonNode.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative)));
            Assert.True(JsonNode.DeepEquals(direct, seen[name]), $"the client's {name} differs from {path}");
        }
        Assert.Equal("Tidewater Metrics", (string?)seen["summary"]!["page"]!["name"]);
        Assert.Equal("minor", (string?)seen["status"]!["status"]!["indicator"]);
        Assert.Equal(34, seen["incidents"]!["incidents"]!.AsArray().Count);
        Assert.Equal("2026-11-23-query-latency-long-range", (string?)seen["unresolved"]!["incidents"]![0]!["id"]);
        Assert.Equal(2, seen["upcoming"]!["scheduled_maintenances"]!.AsArray().Count);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNode(Uri baseAddress)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ClientDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("read-all.js");
        start.ArgumentList.Add(baseAddress.AbsoluteUri.TrimEnd('/'));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

}
