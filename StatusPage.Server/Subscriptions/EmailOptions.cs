using MailKit.Security;

namespace StatusPage.Server.Subscriptions;

// Configuration section "StatusPage:Email". Email is off (and the subscribe form hidden) while SmtpHost is empty: the default.
internal sealed class EmailOptions
{
    public const string Section = "StatusPage:Email";

    public string SmtpHost { get; set; } = "";

    public int SmtpPort { get; set; } = 587;

    // none, starttls or tls (implicit TLS, usually port 465).
    public string Security { get; set; } = "starttls";

    public string? Username { get; set; }

    public string? Password { get; set; }

    // The sender, e.g. "Tidewater Metrics <status@tidewater.example>".
    public string From { get; set; } = "";

    // Unconfirmed subscriptions are deleted after this.
    public TimeSpan ConfirmWithin { get; set; } = TimeSpan.FromHours(48);

    // Per email address: confirmation (or "already subscribed") emails sent within a day; more requests answer the same page, send nothing.
    public int ConfirmationsPerDay { get; set; } = 3;

    // Per client address: subscribe form posts per 10 minutes.
    public int SubscribesPerTenMinutes { get; set; } = 10;

    // The first retry wait after a temporary failure; later ones double up to an hour, and a delivery is dropped after 24 h.
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    // Permanent rejections (SMTP 5xx) in a row after which an address is marked bouncing and nothing more is sent to it.
    public int BouncesBeforeStop { get; set; } = 3;

    // SMTP connections used at once by one send round.
    public int Connections { get; set; } = 4;

    // DKIM signing (EmailSigning): all three or none. The domain and selector name the DNS TXT record {selector}._domainkey.{domain}.
    public string DkimDomain { get; set; } = "";

    public string DkimSelector { get; set; } = "";

    // A PEM RSA private key (PKCS#8 or PKCS#1), at least 1024 bits, 2048 recommended.
    public string DkimPrivateKeyFile { get; set; } = "";

    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(SmtpHost);

    public SecureSocketOptions SocketOptions => Security.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}

// "StatusPage:PublicUrl": where links in emails point when it differs from site.yml's url (a deployment behind a proxy, a test).
internal sealed class PublicUrlOption
{
    public string? PublicUrl { get; set; }
}
