using System.Collections.Immutable;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;
using StatusPage.Server.Webhooks;

namespace StatusPage.Tests.Unit;

// Delivery state transitions, the outbox rule (which entries become deliveries), their storage beside the ledger, and the
// registration validator. The HTTP side (dispatcher, receiver, restart) is in StatusPage.Tests.Http/WebhookTests.cs.
public sealed class WebhookDeliveryTests
{
    private static readonly DateTimeOffset T0 = TestLedger.Start;
    private static readonly TimeSpan ThirtySeconds = WebhookBackoff.First;

    private static WebhookSubscriber Subscriber(string id = "sub1", ImmutableArray<string>? components = null, long cursor = 0) =>
        new(id, "https://hooks.example/in", "whsec_test", components, T0, "admin", cursor);

    [Fact]
    public void An_attempt_is_counted_and_its_retry_scheduled_before_sending_so_a_crash_mid_attempt_resumes_on_schedule()
    {
        var created = WebhookDelivery.New("sub1", 42, "entry1", EntryKinds.IncidentUpdatePosted, "net-down", T0);

        var attempting = created.Attempting(T0.AddSeconds(1), ThirtySeconds, jitter: 0);

        Assert.Equal("sub1-entry1", created.Id);
        Assert.Equal((DeliveryState.Pending, 0, T0), (created.State, created.Attempts, created.NextAttemptAt!.Value));
        Assert.Equal(DeliveryState.Pending, attempting.State);
        Assert.Equal(1, attempting.Attempts);
        Assert.Equal(T0.AddSeconds(1), attempting.FirstAttemptAt);
        Assert.Equal(T0.AddSeconds(31), attempting.NextAttemptAt);
    }

    [Fact]
    public void A_2xx_marks_the_delivery_delivered_and_clears_the_retry_and_the_error()
    {
        var failed = WebhookDelivery.New("sub1", 42, "entry1", EntryKinds.IncidentUpdatePosted, "net-down", T0)
            .Attempting(T0, ThirtySeconds, 0).Failed(T0.AddSeconds(1), 503, "HTTP 503", ThirtySeconds, 0);

        var delivered = failed.Attempting(T0.AddSeconds(31), ThirtySeconds, 0).Succeeded(T0.AddSeconds(32), 204);

        Assert.True(failed.FailedSince(T0));
        Assert.Equal((DeliveryState.Delivered, 2, 204), (delivered.State, delivered.Attempts, delivered.LastStatus!.Value));
        Assert.Null(delivered.LastError);
        Assert.Null(delivered.NextAttemptAt);
        Assert.Equal(T0.AddSeconds(32), delivered.DeliveredAt);
        Assert.False(delivered.FailedSince(T0));
    }

    [Fact]
    public void A_delivery_that_keeps_failing_is_retried_on_the_doubling_schedule_and_given_up_24_hours_after_its_first_attempt()
    {
        var delivery = WebhookDelivery.New("sub1", 42, "entry1", EntryKinds.IncidentUpdatePosted, "net-down", T0);
        var now = T0;
        var waits = new List<double>();
        while (delivery.State == DeliveryState.Pending)
        {
            Assert.True(delivery.Attempts < 100, "the retries never stop");
            now = delivery.NextAttemptAt!.Value;
            delivery = delivery.Attempting(now, ThirtySeconds, 0).Failed(now, null, "connection refused", ThirtySeconds, 0);
            if (delivery.NextAttemptAt is { } next)
            {
                waits.Add((next - now).TotalSeconds);
            }
        }

        Assert.Equal(DeliveryState.GaveUp, delivery.State);
        Assert.Null(delivery.NextAttemptAt);
        Assert.Equal([30, 60, 120, 240, 480, 960, 1920, 3600], waits.Take(8));
        Assert.InRange(now - T0, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.Equal("connection refused", delivery.LastError);
        Assert.True(delivery.FailedSince(now.AddHours(-1)));
    }

    [Fact]
    public void A_configured_first_retry_delay_shortens_every_wait_but_keeps_the_doubling()
    {
        var fast = TimeSpan.FromMilliseconds(200);

        var waits = Enumerable.Range(1, 4).Select(n => (WebhookBackoff.NextAttempt(T0, T0, n, 0, fast)!.Value - T0).TotalMilliseconds);

        Assert.Equal([200, 400, 800, 1600], waits.Select(w => Math.Round(w)));
        Assert.Null(WebhookBackoff.NextAttempt(T0, T0.AddHours(24), 1, 0, fast));
    }

    [Fact]
    public void Only_posts_passing_the_component_filter_become_deliveries_named_subscriber_dash_entry()
    {
        using var ledger = TestLedger.Create();
        var head = ledger.State.Head.Seq;
        var opened = ledger.Ok(new OpenIncident("net-down", "Private network down", Impact.Major, IncidentStatus.Investigating,
            "Looking into it.", ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("private-network", ComponentStatus.MajorOutage)));
        ledger.Ok(new SetComponentStatus("ingestion-api", ComponentStatus.DegradedPerformance));
        var scheduled = ledger.Ok(new ScheduleMaintenance("db-upgrade", "Database upgrade", ["query-api"], T0.AddDays(1),
            T0.AddDays(1).AddHours(2), "Planned."));
        var entries = ledger.Store.ReadAll(head).ToList();

        var all = WebhookOutbox.DeliveriesFor(ledger.State, SiteSettings.Default, Subscriber(), entries, T0);
        var network = WebhookOutbox.DeliveriesFor(ledger.State, SiteSettings.Default, Subscriber("sub2", ["private-network"]), entries, T0);

        var incidentPost = opened.Entries.Single(e => e.Kind == EntryKinds.IncidentUpdatePosted);
        var maintenancePost = scheduled.Entries.Single(e => ledger.State.PostOwners.ContainsKey(e.Id));
        Assert.Equal([$"sub1-{incidentPost.Id}", $"sub1-{maintenancePost.Id}"], all.Select(d => d.Id));
        Assert.Equal([$"sub2-{incidentPost.Id}"], network.Select(d => d.Id));
        Assert.Equal((incidentPost.Seq, EntryKinds.IncidentUpdatePosted, "net-down"),
            (network[0].EntrySeq, network[0].EntryKind, network[0].Subject));
    }

    [Fact]
    public void Subscribers_and_delivery_state_survive_a_restart_and_removal_deletes_both()
    {
        using var ledger = TestLedger.Create(seed: false);
        var webhooks = new WebhookStore(ledger.Store);
        var subscriber = Subscriber(components: ["query-api"]);
        webhooks.AddSubscriber(subscriber);
        var delivery = WebhookDelivery.New(subscriber.Id, 7, "entry7", EntryKinds.IncidentUpdatePosted, "net-down", T0);
        Assert.True(webhooks.HandOut(subscriber.Id, 9, [delivery]));
        var attempted = delivery.Attempting(T0.AddSeconds(1), ThirtySeconds, 0).Failed(T0.AddSeconds(2), 500, "HTTP 500", ThirtySeconds, 0);
        Assert.True(webhooks.SaveDelivery(attempted));

        ledger.Restart();
        webhooks = new WebhookStore(ledger.Store);
        var handedOutAgain = webhooks.HandOut(subscriber.Id, 9, [delivery]);

        Assert.True(handedOutAgain);
        Assert.Equal(subscriber with { Cursor = 9 }, Assert.Single(webhooks.ReadSubscribers()) with { Components = subscriber.Components });
        Assert.Equal("query-api", Assert.Single(webhooks.FindSubscriber(subscriber.Id)!.Components!.Value));
        Assert.Equal(attempted, Assert.Single(webhooks.PendingDeliveries()));
        Assert.Equal(attempted, Assert.Single(webhooks.RecentDeliveries(subscriber.Id, 50)));
        Assert.True(webhooks.RemoveSubscriber(subscriber.Id));
        Assert.False(webhooks.RemoveSubscriber(subscriber.Id));
        Assert.Empty(webhooks.ReadSubscribers());
        Assert.Empty(webhooks.PendingDeliveries());
        Assert.False(webhooks.SaveDelivery(attempted));
        Assert.False(webhooks.HandOut(subscriber.Id, 10, [delivery]));
        Assert.Empty(webhooks.PendingDeliveries());
    }

    [Fact]
    public void The_registration_validator_names_the_field_and_rule_of_each_problem()
    {
        var context = new WriteContext(T0, id => id == "ingestion-api");
        string[] Fails(string? url, params string[] components) =>
        [
            .. new CreateWebhookValidator(context).Validate(new CreateWebhookRequest { Url = url, Components = [.. components] })
                .Errors.Select(e => $"{e.PropertyName}:{e.ErrorCode}"),
        ];

        Assert.Empty(Fails("https://hooks.example/in", "ingestion-api"));
        Assert.Equal(["url:required"], Fails(null));
        Assert.Equal(["url:absolute_http_url"], Fails("ftp://hooks.example/in"));
        Assert.Equal(["url:absolute_http_url"], Fails("/relative"));
        Assert.Equal(["url:no_credentials"], Fails("https://user:pw@hooks.example/in"));
        Assert.Equal(["url:max_length"], Fails("https://hooks.example/" + new string('a', CreateWebhookValidator.UrlMaxLength)));
        Assert.Equal(["components:known_component"], Fails("https://hooks.example/in", "nope"));
    }
}
