using System.Security.Cryptography;
using System.Text;

namespace StatusPage.Server.Webhooks;

// X-StatusPage-Signature: "sha256=" + lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the subscriber's secret.
internal static class WebhookSignature
{
    public const string Header = "X-StatusPage-Signature";
    public const string DeliveryHeader = "X-StatusPage-Delivery";
    public const string TimestampHeader = "X-StatusPage-Timestamp";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    // What a receiver does: recompute and compare in constant time.
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(secret) || signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
