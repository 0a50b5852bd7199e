using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Http;

// A receiver's log of deliveries is a witness: every delivery body carries the signed checkpoint current when it was sent.
public sealed class WebhookCheckpointTests : IDisposable
{
    private readonly WriteApiServer _server = WriteApiServer.With(new Dictionary<string, string>
    {
        ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
        ["StatusPage:Webhooks:FirstRetryDelay"] = "00:00:00.2",
    });

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task A_delivery_carries_a_checkpoint_that_covers_its_post_and_verifies_with_the_published_key()
    {
        var admin = _server.Client();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, _) = await admin.RegisterWebhook(receiver.Url);

        var (_, updateId) = await admin.CreateIncident("Webhook witness");
        var deliveryId = $"{webhookId}-{updateId}";
        await Eventually.Until("the delivery", () => Task.FromResult(receiver.For(deliveryId)), r => r.Count > 0);

        using var body = JsonDocument.Parse(receiver.For(deliveryId)[0].Body);
        var checkpoint = body.RootElement.GetProperty("checkpoint");
        var key = await admin.GetStringAsync(Api.Url("/api/v1/ledger/key"));
        Assert.True(NoteVerifier.TryParse(key.Trim(), out var verifier));
        var opened = SignedCheckpoint.Open(checkpoint.GetProperty("note").GetString()!, verifier!);
        Assert.NotNull(opened);
        Assert.Equal(opened.Size, checkpoint.GetProperty("size").GetInt64());
        Assert.Equal(opened.Checkpoint.RootBase64, checkpoint.GetProperty("root").GetString());
        Assert.Equal("https://status.tidewater.example/api/v1/ledger/checkpoint", checkpoint.GetProperty("url").GetString());
        var entry = (await admin.Ledger()).Single(e => e.Id == updateId);
        Assert.True(opened.Size >= entry.Seq, $"checkpoint size {opened.Size} does not cover entry {entry.Seq}");
        var tree = _server.Factory.Services.GetRequiredService<TransparencyLog>().Tree;
        Assert.Equal(tree.Root(opened.Size), opened.Checkpoint.Root);
    }
}
