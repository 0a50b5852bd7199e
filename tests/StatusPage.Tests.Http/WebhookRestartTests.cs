using System.Text.Json;

namespace StatusPage.Tests.Http;

// The outbox survives a SIGKILL: the real server as its own process, killed while a delivery is being retried and right after
// an acknowledged update; after a restart on the same data file every delivery arrives and is marked delivered.
public sealed class WebhookRestartTests
{
    private static readonly string[] FastRetries =
    [
        "--StatusPage:Webhooks:AllowPrivateTargets=true", "--StatusPage:Webhooks:FirstRetryDelay=00:00:00.3",
    ];

    [Fact]
    public async Task Deliveries_failing_or_not_yet_sent_when_the_server_is_killed_arrive_after_restart_and_none_is_lost()
    {
        var dir = Directory.CreateTempSubdirectory("statuspage-webhooks-").FullName;
        var dataPath = Path.Combine(dir, "statuspage.db");
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        string webhookId;
        var updates = new List<string>();
        using (var server = new ServerProcess(dataPath, FastRetries))
        {
            await server.WaitUntilReady();
            (webhookId, _) = await server.Client.RegisterWebhook(receiver.Url);
            updates.Add((await server.Client.CreateIncident("Failing before the crash")).UpdateId);
            await Eventually.Until("a few failed attempts", () => Task.FromResult(receiver.All.Count), n => n >= 3);
            var failing = Assert.Single(await server.Client.Deliveries(webhookId));
            Assert.Equal("pending", failing.GetProperty("state").GetString());
            updates.Add((await server.Client.CreateIncident("Acknowledged just before the crash")).UpdateId);
            server.KillHard();
        }
        var attemptsBeforeCrash = receiver.All.Count;
        receiver.FailNext(0);

        using var restarted = new ServerProcess(dataPath, FastRetries);
        await restarted.WaitUntilReady();
        var deliveries = await Eventually.Until("both deliveries to be delivered", () => restarted.Client.Deliveries(webhookId),
            d => d.Count == 2 && d.All(x => x.GetProperty("state").GetString() == "delivered"));

        Assert.True(attemptsBeforeCrash >= 3);
        Assert.Equal(updates.Select(u => $"{webhookId}-{u}").Reverse(), deliveries.Select(d => d.GetProperty("id").GetString()));
        foreach (var update in updates)
        {
            var answered = receiver.For($"{webhookId}-{update}").Select(r => r.AnsweredWith).ToList();
            Assert.Equal(1, answered.Count(status => status == 200));
            Assert.Equal(200, answered[^1]);
        }
        var first = deliveries.Single(d => d.GetProperty("id").GetString() == $"{webhookId}-{updates[0]}");
        // An attempt stored just before the kill may never have reached the receiver, so the count may be one higher.
        Assert.True(first.GetProperty("attempts").GetInt32() >= receiver.For($"{webhookId}-{updates[0]}").Count);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("last_error").ValueKind);
        Directory.Delete(dir, recursive: true);
    }
}
