using System.Buffers.Text;
using System.Security.Cryptography;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Operators;

internal static class ApiTokens
{
    public const string Prefix = "sp_";

    // Minimum for a token chosen by a person (STATUSPAGE_ADMIN_TOKEN): its SHA-256 is published in the ledger.
    public const int MinimumLength = 24;

    // 256 random bits: SHA-256 is a sufficient hash for a secret this strong (no per-token salt or slow hash needed).
    public static string NewToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => LedgerEntry.Sha256Hex(token);
}
