using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace StatusPage.Tests.Http;

// The production retry schedule, run by the real dispatcher on a fake clock: a receiver that never answers is given up 24 h
// after the first attempt, and the admin list says it failed recently.
public sealed class WebhookGiveUpTests
{
    [Fact]
    public async Task A_receiver_that_never_answers_is_retried_and_given_up_24_hours_after_the_first_attempt()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        await using var root = new StatusPageFactory(time: clock);
        await using var factory = root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("STATUSPAGE_ADMIN_TOKEN", WriteApiServer.AdminToken);
            builder.UseSetting("StatusPage:Webhooks:AllowPrivateTargets", "true");
            // The fallback wake-up beyond the longest retry wait (1 h): each wake-up below is a retry coming due.
            builder.UseSetting("StatusPage:Webhooks:PollInterval", "02:00:00");
        });
        using var admin = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        admin.DefaultRequestHeaders.Authorization = new("Bearer", WriteApiServer.AdminToken);
        // Port 9 (discard) is closed here: every attempt is a refused connection.
        var (webhookId, _) = await admin.RegisterWebhook("http://127.0.0.1:9/hook");
        await admin.CreateIncident("Nobody is listening");

        var delivery = (await Eventually.Until("the first attempt", () => admin.Deliveries(webhookId),
            d => d.Count == 1 && d[0].GetProperty("attempts").GetInt32() == 1))[0];
        var firstAttempt = clock.GetUtcNow();
        // Time jumps to the due time the delivery shows, then the test waits (polling, real time) until the delivery changes: an
        // attempt starts, or its outcome moves the due time. However the dispatcher arms its timers, a due retry is never skipped,
        // and no real hour has to pass.
        while (delivery.GetProperty("state").GetString() == "pending")
        {
            Assert.True(clock.GetUtcNow() - firstAttempt < TimeSpan.FromHours(30), $"not given up after 30 h: {delivery}");
            var seen = delivery.ToString();
            var due = delivery.GetProperty("next_attempt_at").GetDateTimeOffset().AddMilliseconds(1);
            if (due > clock.GetUtcNow())
            {
                clock.Advance(due - clock.GetUtcNow());
            }
            delivery = (await Eventually.Until($"a change after {seen}", () => admin.Deliveries(webhookId),
                d => d.Count == 1 && d[0].ToString() != seen))[0];
        }

        Assert.Equal("gave_up", delivery.GetProperty("state").GetString());
        Assert.True(clock.GetUtcNow() - firstAttempt > TimeSpan.FromHours(22), "given up before the 24 h were nearly over");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.Contains("refused", delivery.GetProperty("last_error").GetString(), StringComparison.OrdinalIgnoreCase);
        // 8 attempts in the first 64 min (30 s doubling), then one an hour: at most 30 in 24 h.
        Assert.InRange(delivery.GetProperty("attempts").GetInt32(), 10, 31);
        var listed = Assert.Single(await admin.Webhooks());
        Assert.Equal(0, listed.GetProperty("pending").GetInt32());
        Assert.True(listed.GetProperty("failed_recently").GetBoolean());
    }
}
