using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.Webhooks;

namespace StatusPage.Tests.Unit;

// The parts of webhook delivery that need no storage: signature, SSRF guard, retry schedule, payload and component filter.
public sealed class WebhookTests
{
    [Fact]
    public void The_signature_is_the_hex_HMAC_SHA256_of_the_body_and_verifies_only_for_the_same_secret_and_bytes()
    {
        var body = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");

        var signature = WebhookSignature.Sign("key", body);

        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", signature);
        Assert.True(WebhookSignature.Verify("key", body, signature));
        Assert.False(WebhookSignature.Verify("other", body, signature));
        Assert.False(WebhookSignature.Verify("key", Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy cat"), signature));
        Assert.False(WebhookSignature.Verify("key", body, signature["sha256=".Length..]));
        Assert.False(WebhookSignature.Verify("key", body, null));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")]                             // IPv4-compatible
    [InlineData("::169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")]                         // NAT64 well-known prefix, 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]                      // NAT64, 169.254.169.254 (cloud metadata)
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("64:ff9b:1::808:808")]                      // NAT64 local-use prefix: never public
    [InlineData("2002:7f00:1::")]                           // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")]                       // 6to4 of 169.254.169.254
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")]    // Teredo, client 127.0.0.1 (stored inverted)
    [InlineData("2001:0:4136:e378:8000:63bf:5601:5601")]    // Teredo, client 169.254.169.254
    [InlineData("2001:0:a00:1:8000:63bf:f7f7:f7f7")]        // Teredo, server 10.0.0.1, client public 8.8.8.8
    public void Loopback_private_link_local_and_metadata_addresses_are_not_public(string address) =>
        Assert.False(WebhookTargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:1.1.1.1")]
    [InlineData("64:ff9b::808:808")]                        // NAT64 of the public 8.8.8.8
    [InlineData("2002:808:808::1")]                         // 6to4 of 8.8.8.8
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7")]    // Teredo, public server and client 8.8.8.8
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(WebhookTargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("ftp://example.com/hook", false)]
    [InlineData("/relative/hook", false)]
    [InlineData("https://user:pass@example.com/hook", false)]
    [InlineData("https://example.com/hook", true)]
    [InlineData("http://example.com:8080/hook", true)]
    public void Only_absolute_http_urls_without_credentials_are_accepted(string url, bool accepted) =>
        Assert.Equal(accepted, new CreateWebhookValidator(new WriteContext(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)))
            .Validate(new CreateWebhookRequest { Url = url }).IsValid);

    [Theory]
    [InlineData("http://[::127.0.0.1]/hook", false)]
    [InlineData("http://[64:ff9b::7f00:1]/hook", false)]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data", false)]
    [InlineData("http://[2002:7f00:1::]/hook", false)]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", false)]
    [InlineData("https://[64:ff9b::808:808]/hook", true)]
    [InlineData("https://[2606:4700:4700::1111]/hook", true)]
    public async Task IPv6_literals_are_judged_by_the_IPv4_address_they_carry_without_any_lookup_or_connection(string url, bool accepted) =>
        Assert.Equal(accepted, await WebhookTargetGuard.ProblemWithTargetAsync(new Uri(url), CancellationToken.None) is null);

    [Fact]
    public async Task The_connect_guard_refuses_a_loopback_target_before_connecting_unless_private_targets_are_allowed()
    {
        using var guarded = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookTargetGuard.ConnectCallback(allowPrivate: false) });
        using var allowed = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookTargetGuard.ConnectCallback(allowPrivate: true) });
        // Port 9 (discard) is closed here: the allowed client gets as far as a refused connection, the guarded one not even that.
        var target = new Uri("http://localhost:9/hook");

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync(target));
        var attempted = await Assert.ThrowsAsync<HttpRequestException>(() => allowed.GetAsync(target));

        Assert.Contains("Refused webhook target localhost", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Refused webhook target", attempted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retries_back_off_exponentially_from_30_seconds_capped_at_an_hour_and_stop_after_24_hours()
    {
        var first = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

        var waits = Enumerable.Range(1, 9).Select(n => WebhookBackoff.NextAttempt(first, first, n, jitter: 0)!.Value - first).ToList();

        Assert.Equal([30, 60, 120, 240, 480, 960, 1920, 3600, 3600], waits.Select(w => w.TotalSeconds));
        Assert.True(WebhookBackoff.NextAttempt(first, first, 1, jitter: 0.99)!.Value - first < TimeSpan.FromSeconds(37));
        Assert.NotNull(WebhookBackoff.NextAttempt(first, first.AddHours(22), 30, jitter: 0));
        Assert.Null(WebhookBackoff.NextAttempt(first, first.AddHours(23.5), 30, jitter: 0));
    }

    [Fact]
    public void A_payload_describes_the_incident_and_the_new_update_and_the_component_filter_leaves_out_other_components()
    {
        using var ledger = TestLedger.Create();
        var opened = ledger.Ok(new OpenIncident("net-down", "Private network down", Impact.Major, IncidentStatus.Investigating,
            "Looking into it.", ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("private-network", ComponentStatus.MajorOutage)));
        var postId = opened.Entries[^1].Id;
        var now = TestLedger.Start.AddMinutes(1);

        var payload = WebhookPayload.For(ledger.State, SiteSettings.Default, postId, "delivery-1", now);
        var filtered = WebhookPayload.For(ledger.State, SiteSettings.Default, postId, "delivery-2", now, ["query-api"]);
        var matching = WebhookPayload.For(ledger.State, SiteSettings.Default, postId, "delivery-3", now, ["private-network"]);

        Assert.NotNull(payload);
        Assert.Null(filtered);
        Assert.NotNull(matching);
        using var json = JsonDocument.Parse(payload.ToUtf8Json());
        var root = json.RootElement;
        Assert.Equal(["created_at", "event", "id", "incident", "page", "scheduled_maintenance", "update"],
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("incident.updated", root.GetProperty("event").GetString());
        Assert.Equal("net-down", root.GetProperty("incident").GetProperty("id").GetString());
        Assert.Equal(postId, root.GetProperty("update").GetProperty("id").GetString());
        Assert.Equal("investigating", root.GetProperty("update").GetProperty("status").GetString());
        Assert.Equal("Looking into it.", root.GetProperty("update").GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("scheduled_maintenance").ValueKind);
    }
}
