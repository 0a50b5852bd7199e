using Microsoft.AspNetCore.Hosting;
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
        var clock = new ArmedTimersClock(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
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
        // Time moves only while the dispatcher waits on its timer, and straight to that timer: no jump can land between the
        // dispatcher working out its wait and arming it, and no real time has to pass for anything.
        while (true)
        {
            var wakeUp = await clock.NextArmedTimerAsync(TimeSpan.FromSeconds(60));
            delivery = Assert.Single(await admin.Deliveries(webhookId));
            if (delivery.GetProperty("state").GetString() != "pending")
            {
                break;
            }
            Assert.True(clock.GetUtcNow() - firstAttempt < TimeSpan.FromHours(30), $"not given up after 30 h: {delivery}");
            clock.Advance(wakeUp - clock.GetUtcNow());
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

// A fake clock that knows which of its timers are armed (created, not yet fired, not disposed), so a test can wait until the
// code under test is waiting on it and then move time exactly to the moment it will wake.
public sealed class ArmedTimersClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ArmedTimer> _armed = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ArmedTimer(this);
        timer.Arm(dueTime);
        timer.Inner = base.CreateTimer(s =>
        {
            timer.Fired(period);
            callback(s);
        }, state, dueTime, period);
        return timer;
    }

    // When the earliest armed timer comes due, once there is one; fails if none is armed within the timeout.
    public async Task<DateTimeOffset> NextArmedTimerAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_armed.Count > 0)
                {
                    return _armed.Min(t => t.Due!.Value);
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"no timer was armed within {timeout.TotalSeconds:0} s");
            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked at the top of the next round.
            }
        }
    }

    private void Update(ArmedTimer timer, DateTimeOffset? due)
    {
        lock (_gate)
        {
            timer.Due = due;
            if (due is null)
            {
                _armed.Remove(timer);
            }
            else
            {
                _armed.Add(timer);
            }
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private sealed class ArmedTimer(ArmedTimersClock clock) : ITimer
    {
        public ITimer? Inner { get; set; }

        public DateTimeOffset? Due { get; set; }

        public void Arm(TimeSpan dueTime) =>
            clock.Update(this, dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime);

        public void Fired(TimeSpan period) =>
            clock.Update(this, period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : clock.GetUtcNow() + period);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Update(this, null);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
