using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace StatusPage.Tests.Http;

// DKIM signing (StatusPage:Email:Dkim*): a real RSA key made here, the emails the SMTP server received verified with MimeKit's
// DkimVerifier against the TXT record the README tells operators to publish.
public sealed partial class EmailSubscriptionTests
{
    private const string DkimDomain = "tidewater.example";
    private const string DkimSelector = "status2026";

    [Fact]
    public async Task With_DKIM_on_every_email_is_signed_over_its_list_headers_and_verifies_and_a_changed_body_or_unsubscribe_link_does_not()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = KeyFile(rsa.ExportPkcs8PrivateKeyPem());
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(DkimSettings(smtp, keyFile));
        using var client = server.Client();
        using var reader = server.Client(token: null);
        await SubscribeAndConfirm(reader, smtp, "signed@example.org", lang: "fr");
        await client.CreateIncident("Signed update — accents é", "Writes *fail* on fra1 → we are on it.");
        var (confirmation, update) = ((await smtp.WaitFor("signed@example.org", 2))[0], smtp.To("signed@example.org")[1]);
        var verifier = new DkimVerifier(new TestKeyLocator(rsa));

        foreach (var message in new[] { confirmation, update })
        {
            var signature = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
            Assert.NotNull(signature.Value);
            var tags = Tags(signature.Value);
            Assert.Equal(("1", "rsa-sha256", "relaxed/relaxed", DkimDomain, DkimSelector), (tags["v"], tags["a"], tags["c"], tags["d"], tags["s"]));
            Assert.Subset(tags["h"].ToLowerInvariant().Split(':').ToHashSet(), new HashSet<string> { "from", "to", "subject", "date", "message-id" });
            Assert.True(await verifier.VerifyAsync(message, signature), $"the DKIM signature of '{message.Subject}' does not verify");
        }
        var updateTags = Tags(update.Headers[HeaderId.DkimSignature]!);
        Assert.Subset(updateTags["h"].ToLowerInvariant().Split(':').ToHashSet(),
            new HashSet<string> { "list-unsubscribe", "list-unsubscribe-post", "list-id", "in-reply-to", "references" });

        // What a forger or a careless relay would change: a word of the body, or where the unsubscribe link points.
        var raw = File.ReadAllText(Directory.GetFiles(smtp.Folder, "*.eml").Single(f => MimeMessage.Load(f).MessageId == update.MessageId), Encoding.ASCII);
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and > 0 ? i : raw.IndexOf("\n\n", StringComparison.Ordinal);
        var changedBody = raw[..split] + raw[split..].Replace("fra1", "fra2", StringComparison.Ordinal);
        var changedLink = raw.Replace("<http://status.test/subscriptions/unsubscribe/", "<http://evil.test/subscriptions/unsubscribe/",
            StringComparison.Ordinal);
        Assert.NotEqual(raw, changedBody);
        Assert.NotEqual(raw, changedLink);
        foreach (var tampered in new[] { changedBody, changedLink })
        {
            var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(tampered)));
            Assert.False(await verifier.VerifyAsync(message, message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)]));
        }
    }

    [Fact]
    public async Task Without_DKIM_settings_no_email_carries_a_signature()
    {
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(smtp.Settings());
        using var reader = server.Client(token: null);
        await Subscribe(reader, "plain@example.org");
        Assert.Null(Assert.Single(await smtp.WaitFor("plain@example.org", 1)).Headers[HeaderId.DkimSignature]);
    }

    // The real server as its own process: it exits before listening, and says which setting and why, without a stack trace.
    [Theory]
    [InlineData("DkimPrivateKeyFile", "missing", "StatusPage:Email:DkimPrivateKeyFile: there is no file '")]
    [InlineData("DkimPrivateKeyFile", "not a key", "StatusPage:Email:DkimPrivateKeyFile '")]
    [InlineData("DkimPrivateKeyFile", "short key", "holds a 512-bit RSA key; DKIM needs at least 1024 bits")]
    [InlineData("DkimSelector", "bad selector!", "StatusPage:Email:DkimSelector 'bad selector!' is not a DKIM selector")]
    [InlineData("DkimDomain", "", "StatusPage:Email:DkimDomain is empty")]
    public async Task A_DKIM_setting_that_cannot_sign_stops_the_server_at_start_naming_the_setting(string setting, string value, string expected)
    {
        using var rsa = RSA.Create(value == "short key" ? 512 : 2048);
        using var smtp = new SmtpSink();
        var data = Directory.CreateTempSubdirectory("dkim-start-");
        var settings = DkimSettings(smtp, KeyFile(rsa.ExportPkcs8PrivateKeyPem()));
        settings[$"StatusPage:Email:{setting}"] = value switch
        {
            "missing" => System.IO.Path.Combine(data.FullName, "no-such-key.pem"),
            "not a key" => KeyFile("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
            "short key" => settings["StatusPage:Email:DkimPrivateKeyFile"],
            _ => value,
        };
        using var process = new ServerProcess(System.IO.Path.Combine(data.FullName, "statuspage.db"),
            [.. settings.Select(s => $"--{s.Key}={s.Value}")]);

        await Assert.ThrowsAsync<InvalidOperationException>(process.WaitUntilListening);
        // The exit can be seen before the last line of stderr has been read.
        var output = await Eventually.Until($"'{expected}' in the server's output", () => Task.FromResult(process.Output),
            o => o.Contains(expected, StringComparison.Ordinal), seconds: 10);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> DkimSettings(SmtpSink smtp, string keyFile)
    {
        var settings = smtp.Settings();
        settings["StatusPage:Email:DkimDomain"] = DkimDomain;
        settings["StatusPage:Email:DkimSelector"] = DkimSelector;
        settings["StatusPage:Email:DkimPrivateKeyFile"] = keyFile;
        return settings;
    }

    private static string KeyFile(string pem)
    {
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("dkim-key-").FullName, "dkim.pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private static Dictionary<string, string> Tags(string value) => value.Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(t => t.Split('=', 2)).ToDictionary(t => t[0].Trim(), t => string.Concat(t[1].Where(c => !char.IsWhiteSpace(c))));

    // What a receiver's DNS lookup of {selector}._domainkey.{domain} would return: the TXT record of the README, made from the key.
    private sealed class TestKeyLocator(RSA key) : DkimPublicKeyLocatorBase
    {
        private readonly string _record = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}";

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector,
            CancellationToken cancellationToken = default) =>
            domain == DkimDomain && selector == DkimSelector ? GetPublicKey(_record)
                : throw new InvalidOperationException($"no DKIM key published at {selector}._domainkey.{domain}");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector,
            CancellationToken cancellationToken = default) => Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
