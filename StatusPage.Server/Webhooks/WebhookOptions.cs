namespace StatusPage.Server.Webhooks;

// Configuration section "StatusPage:Webhooks" (appsettings, StatusPage__Webhooks__AllowPrivateTargets=true, or the command line).
internal sealed class WebhookOptions
{
    public const string Section = "StatusPage:Webhooks";

    // Off by default (SSRF guard); turn on only for intranet receivers or tests on 127.0.0.1.
    public bool AllowPrivateTargets { get; set; }

    // The first retry wait; later waits double from it up to an hour, and a delivery is given up 24 h after its first attempt.
    public TimeSpan FirstRetryDelay { get; set; } = WebhookBackoff.First;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // The dispatcher wakes on every append and when a retry is due; this timer is the fallback.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
