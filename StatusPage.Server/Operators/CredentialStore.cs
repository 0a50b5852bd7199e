using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Operators;

// Password hashes (ASP.NET Core's PasswordHasher), kept in the data file beside the ledger and in memory; the ledger commits to each by SHA-256.
internal sealed class CredentialStore(LedgerStore store, IPasswordHasher<string> hasher)
{
    // Verified against when the username is unknown, so a wrong username costs as much time as a wrong password.
    private static readonly string DecoyHash = new PasswordHasher<string>().HashPassword("decoy", "decoy password that never matches");

    private readonly Lazy<ConcurrentDictionary<string, string>> _hashes =
        new(() => new ConcurrentDictionary<string, string>(store.ReadCredentials()), LazyThreadSafetyMode.ExecutionAndPublication);

    // Stores the hash of a new password and returns the SHA-256 the ledger entry will carry.
    public string Save(string username, string password)
    {
        var hash = hasher.HashPassword(username, password);
        var sha = LedgerEntry.Sha256Hex(hash);
        store.SaveCredential(sha, hash);
        _hashes.Value[sha] = hash;
        return sha;
    }

    public OperatorAccount? Verify(OperatorRoster roster, string username, string password)
    {
        if (!roster.Operators.TryGetValue(username, out var account) || account.Disabled || account.CredentialSha256 is null
            || !_hashes.Value.TryGetValue(account.CredentialSha256, out var hash) || LedgerEntry.Sha256Hex(hash) != account.CredentialSha256)
        {
            hasher.VerifyHashedPassword(username, DecoyHash, password);
            return null;
        }
        return hasher.VerifyHashedPassword(username, hash, password) == PasswordVerificationResult.Failed ? null : account;
    }

    public static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}
