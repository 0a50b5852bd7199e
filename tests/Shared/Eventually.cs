using System.Diagnostics;

namespace StatusPage.Tests;

public static class Eventually
{
    // Polls until the condition holds; fails naming what was awaited. For work a background service does on its own schedule.
    public static async Task<T> Until<T>(string what, Func<Task<T>> probe, Func<T, bool> done, int seconds = 30)
    {
        // A timeout, not a date: elapsed time from a monotonic stopwatch, never the wall clock.
        var waited = Stopwatch.StartNew();
        var last = await probe();
        while (!done(last))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out after {seconds} s waiting for {what}; last seen: {last}");
            await Task.Delay(100);
            last = await probe();
        }
        return last;
    }
}
