using System.Collections.Concurrent;
using System.Net;

namespace StatusPage.Tests.Http;

// The real server as its own process on a real data file, killed with SIGKILL while updates are in flight.
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_update_acknowledged_before_a_sigkill_is_present_after_restart_and_the_chain_verifies()
    {
        var dir = Directory.CreateTempSubdirectory("statuspage-durability-").FullName;
        var dataPath = Path.Combine(dir, "statuspage.db");
        var acknowledged = new ConcurrentBag<string>();
        var sixtyAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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
                            if (acknowledged.Count >= 60)
                            {
                                sixtyAcknowledged.TrySetResult();
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();
            await sixtyAcknowledged.Task.WaitAsync(TimeSpan.FromMinutes(2));
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
