using System.Net;
using System.Text.Json;
using StatusPage.Server.Webhooks;

namespace StatusPage.Tests.Http;

// Webhook delivery end to end: the real server, a real receiver on 127.0.0.1 (private targets allowed by configuration), fast retries.
public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> FastRetries = new()
    {
        ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
        ["StatusPage:Webhooks:FirstRetryDelay"] = "00:00:00.2",
    };

    private readonly WriteApiServer _server = WriteApiServer.With(FastRetries);
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        _admin = _server.Client();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_delivery_exactly_once_after_retries_signed_with_the_secret_shown_at_registration()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 3);
        var (webhookId, secret) = await _admin.RegisterWebhook(receiver.Url);

        var (incidentId, updateId) = await _admin.CreateIncident("Webhook retries");

        var deliveryId = $"{webhookId}-{updateId}";
        var deliveries = await Eventually.Until("the delivery to be delivered", () => _admin.Deliveries(webhookId),
            d => d.Any(x => x.GetProperty("state").GetString() == "delivered"));
        var delivery = Assert.Single(deliveries);
        Assert.Equal(deliveryId, delivery.GetProperty("id").GetString());
        Assert.Equal("incident.update_posted", delivery.GetProperty("entry_kind").GetString());
        Assert.Equal(incidentId, delivery.GetProperty("subject").GetString());
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("last_status").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_error").ValueKind);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("delivered_at").ValueKind);
        var received = receiver.For(deliveryId);
        Assert.Equal([500, 500, 500, 200], received.Select(r => r.AnsweredWith));
        Assert.Equal(received.Count, receiver.All.Count);
        Assert.All(received, r => Assert.True(WebhookSignature.Verify(secret, r.Body, r.Signature), "the signature must verify"));
        Assert.All(received, r => Assert.Equal("application/json", r.ContentType?.Split(';')[0]));
        Assert.All(received, r => Assert.True(long.TryParse(r.Timestamp, out _), $"timestamp {r.Timestamp}"));
        Assert.False(WebhookSignature.Verify("whsec_another-secret", received[^1].Body, received[^1].Signature));
        using var payload = JsonDocument.Parse(received[^1].Body);
        Assert.Equal(deliveryId, payload.RootElement.GetProperty("id").GetString());
        Assert.Equal(incidentId, payload.RootElement.GetProperty("incident").GetProperty("id").GetString());
        Assert.Equal(updateId, payload.RootElement.GetProperty("update").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_list_shows_pending_and_failing_subscribers_without_their_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        var (webhookId, _) = await _admin.RegisterWebhook(receiver.Url, ["ingestion-api"]);

        await _admin.CreateIncident("Webhook list");

        var listed = await Eventually.Until("the failure to show in the list", async () => Assert.Single(await _admin.Webhooks()),
            w => w.GetProperty("failed_recently").GetBoolean());
        Assert.Equal(["components", "created_at", "created_by", "failed_recently", "id", "pending", "url"],
            listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(webhookId, listed.GetProperty("id").GetString());
        Assert.Equal(receiver.Url, listed.GetProperty("url").GetString());
        Assert.Equal(["ingestion-api"], listed.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, listed.GetProperty("pending").GetInt32());
        Assert.Equal("admin", listed.GetProperty("created_by").GetString());
        var delivery = Assert.Single(await _admin.Deliveries(webhookId));
        Assert.Equal(["attempts", "created_at", "delivered_at", "entry_kind", "entry_seq", "id", "last_error", "last_status",
            "next_attempt_at", "state", "subject"], delivery.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("pending", delivery.GetProperty("state").GetString());
        Assert.Equal(500, delivery.GetProperty("last_status").GetInt32());
        Assert.Contains("500", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
    }

    [Fact]
    public async Task The_component_filter_sends_only_posts_that_touch_the_chosen_components()
    {
        await using var ingestion = await WebhookReceiver.StartAsync();
        await using var network = await WebhookReceiver.StartAsync();
        var (ingestionHook, _) = await _admin.RegisterWebhook(ingestion.Url, ["ingestion-api"]);
        var (networkHook, _) = await _admin.RegisterWebhook(network.Url, ["private-network"]);

        var (_, ingestionUpdate) = await _admin.CreateIncident("Ingestion only");
        await Eventually.Until("the ingestion delivery", () => Task.FromResult(ingestion.All.Count), n => n == 1);
        var networkIncident = await (await _admin.Post("/api/v1/incidents", new
        {
            Title = "Private network only",
            Impact = "minor",
            Status = "investigating",
            Body = "Packet loss between data centers.",
            Components = new Dictionary<string, string> { ["private-network"] = "degraded_performance" },
        })).Created();
        var networkUpdate = networkIncident.GetProperty("update_id").GetString();
        await Eventually.Until("the network delivery", () => Task.FromResult(network.All.Count), n => n == 1);

        Assert.Equal($"{ingestionHook}-{ingestionUpdate}", Assert.Single(ingestion.All).DeliveryId);
        Assert.Equal($"{networkHook}-{networkUpdate}", Assert.Single(network.All).DeliveryId);
        Assert.Single(await _admin.Deliveries(ingestionHook));
        Assert.Single(await _admin.Deliveries(networkHook));
    }

    [Fact]
    public async Task A_removed_subscriber_gets_nothing_more_and_is_then_unknown()
    {
        await using var removed = await WebhookReceiver.StartAsync();
        await using var witness = await WebhookReceiver.StartAsync();
        var (removedHook, _) = await _admin.RegisterWebhook(removed.Url);
        await _admin.CreateIncident("Before removal");
        await Eventually.Until("the first delivery", () => Task.FromResult(removed.All.Count), n => n == 1);

        var delete = await _admin.DeleteAsync(Api.Url($"/api/v1/webhooks/{removedHook}"));
        var (witnessHook, _) = await _admin.RegisterWebhook(witness.Url);
        var (_, afterUpdate) = await _admin.CreateIncident("After removal");
        await Eventually.Until("the witness delivery", () => Task.FromResult(witness.All.Count), n => n == 1);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal($"{witnessHook}-{afterUpdate}", Assert.Single(witness.All).DeliveryId);
        Assert.Single(removed.All);
        Assert.Equal([witnessHook], (await _admin.Webhooks()).Select(w => w.GetProperty("id").GetString()));
        await (await _admin.DeleteAsync(Api.Url($"/api/v1/webhooks/{removedHook}"))).Problem(HttpStatusCode.NotFound, "id", "known_webhook");
        await (await _admin.GetAsync(Api.Url($"/api/v1/webhooks/{removedHook}/deliveries")))
            .Problem(HttpStatusCode.NotFound, "id", "known_webhook");
    }

    [Fact]
    public async Task A_subscriber_starts_at_the_current_head_and_gets_no_old_history()
    {
        await _admin.CreateIncident("Before registration");
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, _) = await _admin.RegisterWebhook(receiver.Url);

        var (_, updateId) = await _admin.CreateIncident("After registration");

        await Eventually.Until("the new delivery", () => Task.FromResult(receiver.All.Count), n => n >= 1);
        // Entries are handed out to a subscriber oldest first and sent in ledger order: an old entry handed out would be listed
        // by now, and would have arrived first.
        Assert.Equal($"{webhookId}-{updateId}", Assert.Single(await _admin.Deliveries(webhookId)).GetProperty("id").GetString());
        Assert.Equal($"{webhookId}-{updateId}", Assert.Single(receiver.All).DeliveryId);
    }
}

// Subscribers are independent: a receiver that hangs holds up only its own deliveries.
public sealed class WebhookIsolationTests
{
    [Fact]
    public async Task A_receiver_that_hangs_does_not_delay_another_subscribers_next_delivery()
    {
        using var server = WriteApiServer.With(new Dictionary<string, string>
        {
            ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
            ["StatusPage:Webhooks:RequestTimeout"] = "00:05:00",
        });
        var admin = server.Client();
        await using var slow = await WebhookReceiver.StartHangingAsync();
        await using var fast = await WebhookReceiver.StartAsync();
        var (slowId, _) = await admin.RegisterWebhook(slow.Url);
        var (fastId, _) = await admin.RegisterWebhook(fast.Url);

        var (incidentId, firstUpdate) = await admin.CreateIncident("One slow receiver");
        await slow.Holding.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.Until("the fast receiver's first delivery", () => Task.FromResult(fast.For($"{fastId}-{firstUpdate}").Count), n => n == 1);
        var second = await (await admin.Post($"/api/v1/incidents/{incidentId}/updates", new { Status = "identified", Body = "Found it." })).Created();
        var secondUpdate = second.GetProperty("id").GetString()!;

        // The slow receiver still holds its first delivery unanswered (released only at the end): the next one to the fast
        // receiver must not wait for it.
        await Eventually.Until("the fast receiver's second delivery while the slow one still hangs",
            () => Task.FromResult(fast.For($"{fastId}-{secondUpdate}").Count), n => n == 1);
        Assert.Empty(slow.All);
        var slowDeliveries = await admin.Deliveries(slowId);
        Assert.All(slowDeliveries, d => Assert.Equal("pending", d.GetProperty("state").GetString()));
    }
}

// Registration rules and access, on a server with the default configuration (private targets refused).
public sealed class WebhookRegistrationTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private static readonly string[] UnknownComponent = ["no-such-component"];
    private readonly HttpClient _admin = server.Client();

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::127.0.0.1]/hook")]
    [InlineData("http://[64:ff9b::7f00:1]/hook")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")]
    [InlineData("http://[2002:7f00:1::]/hook")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook")]
    public async Task Loopback_private_and_metadata_targets_are_refused_at_registration(string url)
    {
        var response = await _admin.Post("/api/v1/webhooks", new { Url = url });

        await response.Problem(HttpStatusCode.BadRequest, "url", "public_address");
        Assert.DoesNotContain(await _admin.Webhooks(), w => w.GetProperty("url").GetString() == url);
    }

    [Fact]
    public async Task Bad_urls_and_unknown_components_are_400_problems_naming_the_field_and_rule()
    {
        await (await _admin.Post("/api/v1/webhooks", new { Url = "ftp://example.com/hook" })).Problem(HttpStatusCode.BadRequest, "url",
            "absolute_http_url");
        await (await _admin.Post("/api/v1/webhooks", new { Url = "https://user:pw@example.com/hook" })).Problem(HttpStatusCode.BadRequest,
            "url", "no_credentials");
        await (await _admin.Post("/api/v1/webhooks", new { Url = "" })).Problem(HttpStatusCode.BadRequest, "url", "required");
        await (await _admin.Post("/api/v1/webhooks", new { Url = "https://93.184.216.34/hook", Components = UnknownComponent }))
            .Problem(HttpStatusCode.BadRequest, "components", "known_component");
    }

    [Fact]
    public async Task A_public_target_is_registered_with_a_location_and_a_secret_shown_once()
    {
        var response = await _admin.Post("/api/v1/webhooks", new { Url = "https://93.184.216.34/hook", Components = Array.Empty<string>() });

        var created = await response.Created();
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/webhooks/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(["components", "created_at", "id", "secret", "url"], created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("components").ValueKind);
        Assert.Empty(await _admin.Deliveries(id));
        Assert.Equal(204, (int)(await _admin.DeleteAsync(Api.Url($"/api/v1/webhooks/{id}"))).StatusCode);
    }

    [Fact]
    public async Task Webhook_endpoints_are_401_without_credentials_and_403_for_an_operator()
    {
        await (await _admin.Post("/api/v1/operators", new { Username = "wendy", Role = "operator", Password = "a long enough password" })).Created();
        var token = (await (await _admin.Post("/api/v1/tokens", new { Name = "wendy script", Operator = "wendy" })).Created())
            .GetProperty("token").GetString();
        using var anonymous = server.Client(token: null);
        using var operatorClient = server.Client(token);

        foreach (var (client, status, rule) in new[] { (anonymous, HttpStatusCode.Unauthorized, "authenticated"),
            (operatorClient, HttpStatusCode.Forbidden, "role_allows") })
        {
            var field = status == HttpStatusCode.Unauthorized ? "Authorization" : "role";
            await (await client.GetAsync(Api.Url("/api/v1/webhooks"))).Problem(status, field, rule);
            await (await client.Post("/api/v1/webhooks", new { Url = "https://93.184.216.34/hook" })).Problem(status, field, rule);
            await (await client.DeleteAsync(Api.Url("/api/v1/webhooks/anything"))).Problem(status, field, rule);
            await (await client.GetAsync(Api.Url("/api/v1/webhooks/anything/deliveries"))).Problem(status, field, rule);
        }
        Assert.DoesNotContain(await _admin.Webhooks(), w => w.GetProperty("created_by").GetString() == "wendy");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_webhook_endpoints()
    {
        var document = await (await _admin.GetAsync(Api.Url("/openapi/v1.json"))).Json();

        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/webhooks").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/webhooks").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/v1/webhooks/{id}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/api/v1/webhooks/{id}/deliveries").TryGetProperty("get", out _));
    }
}

public static class WebhookApi
{
    public static async Task<(string Id, string Secret)> RegisterWebhook(this HttpClient client, string url, string[]? components = null)
    {
        var created = await (await client.Post("/api/v1/webhooks", new { Url = url, Components = components })).Created();
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    public static async Task<List<JsonElement>> Webhooks(this HttpClient client)
    {
        var response = await client.GetAsync(Api.Url("/api/v1/webhooks"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Json()).EnumerateArray()];
    }

    public static async Task<List<JsonElement>> Deliveries(this HttpClient client, string webhookId)
    {
        var response = await client.GetAsync(Api.Url($"/api/v1/webhooks/{webhookId}/deliveries"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Json()).EnumerateArray()];
    }
}
