using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace StatusPage.Server.Subscriptions;

// Optional DKIM (RFC 6376): rsa-sha256, relaxed/relaxed, over the headers receivers judge a list email by (Gmail and Yahoo want
// List-Unsubscribe and List-Unsubscribe-Post covered for one-click). On when StatusPage:Email:DkimDomain, DkimSelector and
// DkimPrivateKeyFile are all set.
internal static partial class EmailSigning
{
    public const int MinimumKeyBits = 1024;

    public static readonly string[] SignedHeaders =
    [
        "From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "List-Id", "List-Unsubscribe",
        "List-Unsubscribe-Post", "Auto-Submitted", "MIME-Version", "Content-Type",
    ];

    // Read at each send round, so a replaced key file is picked up without a restart; null while DKIM is off.
    public static DkimSigner? Signer(EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IsOn(options)
            ? new DkimSigner(ReadKey(options.DkimPrivateKeyFile), options.DkimDomain, options.DkimSelector, DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            }
            : null;
    }

    // The last step of composing: the body is fixed to 7-bit encodings first, so no relay re-encodes (and breaks) what was signed.
    public static MimeMessage Sign(DkimSigner? signer, MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (signer is not null)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            signer.Sign(message, [.. SignedHeaders.Where(h => message.Headers.Contains(h))]);
        }
        return message;
    }

    // A PEM private key: PKCS#8 ("PRIVATE KEY", what openssl genpkey writes) or PKCS#1 ("RSA PRIVATE KEY").
    private static AsymmetricKeyParameter ReadKey(string path)
    {
        using var text = File.OpenText(path);
        return new Org.BouncyCastle.OpenSsl.PemReader(text).ReadObject() switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter { IsPrivate: true } key => key,
            _ => throw new FormatException("no PEM private key found"),
        };
    }

    private static bool IsOn(EmailOptions o) =>
        !string.IsNullOrWhiteSpace(o.DkimDomain) || !string.IsNullOrWhiteSpace(o.DkimSelector) || !string.IsNullOrWhiteSpace(o.DkimPrivateKeyFile);

    // Checked at start (ValidateOnStart) while email is on: a key that cannot sign fails the start, naming the setting.
    public sealed class Validation : IValidateOptions<EmailOptions>
    {
        public ValidateOptionsResult Validate(string? name, EmailOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (!options.Enabled || !IsOn(options))
            {
                return ValidateOptionsResult.Success;
            }
            var problem = Problem(options);
            return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"{EmailOptions.Section}:{problem}");
        }

        private static string? Problem(EmailOptions o)
        {
            foreach (var (setting, value) in new[] { ("DkimDomain", o.DkimDomain), ("DkimSelector", o.DkimSelector), ("DkimPrivateKeyFile", o.DkimPrivateKeyFile) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    return $"{setting} is empty: DKIM signing needs DkimDomain, DkimSelector and DkimPrivateKeyFile together (or none of them).";
                }
            }
            if (!DnsName().IsMatch(o.DkimDomain))
            {
                return $"DkimDomain '{o.DkimDomain}' is not a domain name (letters, digits and hyphens in dot-separated labels).";
            }
            if (!DnsName().IsMatch(o.DkimSelector))
            {
                return $"DkimSelector '{o.DkimSelector}' is not a DKIM selector (letters, digits and hyphens in dot-separated labels, e.g. 'status2026').";
            }
            if (!File.Exists(o.DkimPrivateKeyFile))
            {
                return $"DkimPrivateKeyFile: there is no file '{o.DkimPrivateKeyFile}'.";
            }
            try
            {
                var key = ReadKey(o.DkimPrivateKeyFile);
                return key is RsaKeyParameters { IsPrivate: true } rsa
                    ? rsa.Modulus.BitLength < MinimumKeyBits
                        ? $"DkimPrivateKeyFile '{o.DkimPrivateKeyFile}' holds a {rsa.Modulus.BitLength}-bit RSA key; DKIM needs at least {MinimumKeyBits} bits (2048 recommended)."
                        : null
                    : $"DkimPrivateKeyFile '{o.DkimPrivateKeyFile}' is not an RSA private key (rsa-sha256 is what receivers verify).";
            }
            catch (Exception e)
            {
                // Whatever the PEM reader throws for a file that is not a key: the start fails with its message, naming the setting.
                return $"DkimPrivateKeyFile '{o.DkimPrivateKeyFile}' cannot be read as a PEM private key: {e.Message}";
            }
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex DnsName();
}
