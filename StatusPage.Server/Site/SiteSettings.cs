namespace StatusPage.Server.Site;

// What site.yml says about the site itself (not history, so not in the ledger): name, address, time zone, languages.
internal sealed record SiteSettings(string Name, Uri Url, TimeZoneInfo TimeZone, IReadOnlyList<string> Languages)
{
    public static readonly SiteSettings Default = new("Status", new Uri("http://localhost/"), TimeZoneInfo.Utc, ["en"]);

    // SLA credit tiers from site.yml (sla_credits): a month below its component's target owes the largest credit whose "below" it is under.
    public IReadOnlyList<CreditTier> CreditTiers { get; init; } = [];

    // Providers whose own status page (Statuspage v2 JSON, site.yml status_url) is read while our incidents attributed to them are open.
    public IReadOnlyList<ProviderFeed> ProviderFeeds { get; init; } = [];
}

public sealed record ProviderFeed(string ProviderId, Uri StatusUrl, TimeSpan Interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);
}

internal sealed record CreditTier(decimal Below, decimal Credit);

// Holds the settings read at start; pages read it, content ingestion sets it.
internal sealed class SiteSettingsHolder
{
    private SiteSettings _current = SiteSettings.Default;

    public SiteSettings Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }
}
