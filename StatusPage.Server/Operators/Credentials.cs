using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Operators;

// Password hashes (ASP.NET Core's PasswordHasher), kept in the data file beside the ledger and in memory; the ledger commits to each by SHA-256.
public sealed class CredentialStore(LedgerStore store, IPasswordHasher<string> hasher)
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

public static class ApiTokens
{
    public const string Prefix = "sp_";

    // Minimum for a token chosen by a person (STATUSPAGE_ADMIN_TOKEN): its SHA-256 is published in the ledger.
    public const int MinimumLength = 24;

    // 256 random bits: SHA-256 is a sufficient hash for a secret this strong (no per-token salt or slow hash needed).
    public static string NewToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => LedgerEntry.Sha256Hex(token);
}

// Last-used times of API tokens: in memory only (a read on every request must not write to the ledger); reset at restart.
public sealed class TokenUsage
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUsed = new();

    public void Touch(string tokenId, DateTimeOffset at) => _lastUsed[tokenId] = at;

    public DateTimeOffset? LastUsed(string tokenId) => _lastUsed.TryGetValue(tokenId, out var at) ? at : null;
}

// First start: no operator yet, so create 'admin' (password from STATUSPAGE_ADMIN_PASSWORD or a one-time one, logged once) and,
// if STATUSPAGE_ADMIN_TOKEN is set, an admin API token with that value. A start-up step: runs after the ledger is loaded and
// content ingested, before the server answers.
public sealed partial class AdminBootstrap(LedgerService ledger, CredentialStore credentials, IConfiguration configuration,
    ILogger<AdminBootstrap> logger) : IStartupStep
{
    public const string PasswordVariable = "STATUSPAGE_ADMIN_PASSWORD";
    public const string TokenVariable = "STATUSPAGE_ADMIN_TOKEN";
    public const string AdminName = "admin";
    public const string SystemAuthor = "system";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var state = ledger.Current;
        if (!state.Roster.Operators.IsEmpty)
        {
            return;
        }
        if (state.IsReadOnly)
        {
            LogReadOnly(logger);
            return;
        }
        var configured = configuration[PasswordVariable];
        var password = string.IsNullOrEmpty(configured) ? CredentialStore.NewPassword() : configured;
        if (password.Length < Limits.PasswordMinLength)
        {
            LogWeakPassword(logger, PasswordVariable, Limits.PasswordMinLength);
            password = CredentialStore.NewPassword();
            configured = null;
        }
        var sha = credentials.Save(AdminName, password);
        var mustChange = string.IsNullOrEmpty(configured);
        var created = await ledger.AppendAsync(new CreateOperator(AdminName, OperatorRole.Admin, sha, mustChange), SystemAuthor,
            cancellationToken);
        if (created.Violation is { } violation)
        {
            LogRefused(logger, violation.Message);
            return;
        }
        if (mustChange)
        {
            LogOneTimePassword(logger, AdminName, password);
        }
        else
        {
            LogConfiguredPassword(logger, AdminName, PasswordVariable);
        }
        if (configuration[TokenVariable] is { Length: > 0 } token)
        {
            if (token.Length < ApiTokens.MinimumLength)
            {
                LogWeakToken(logger, TokenVariable, ApiTokens.MinimumLength);
                return;
            }
            var result = await ledger.AppendAsync(new CreateApiToken(LedgerService.NewId(), TokenVariable, AdminName, ApiTokens.Hash(token)),
                SystemAuthor, cancellationToken);
            if (result.Violation is { } refused)
            {
                LogRefused(logger, refused.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "First start: created operator '{Username}' with the one-time password " +
        "{Password} (shown only this once). Sign in (POST /api/v1/session) and change it.")]
    private static partial void LogOneTimePassword(ILogger logger, string username, string password);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: created operator '{Username}' with the password from {Variable}.")]
    private static partial void LogConfiguredPassword(ILogger logger, string username, string variable);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Variable} is shorter than {Length} characters and was ignored.")]
    private static partial void LogWeakPassword(ILogger logger, string variable, int length);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Variable} is shorter than {Length} characters (its hash is published in the " +
        "ledger, so it must be a long random value, e.g. `openssl rand -hex 32`); no admin token was created.")]
    private static partial void LogWeakToken(ILogger logger, string variable, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No operator exists, but the ledger is read-only: no admin was created.")]
    private static partial void LogReadOnly(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Creating the first admin was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

// Signed-out console sessions: the cookie is only a signed ticket, so without this list a copy of it would stay valid until it expires.
public sealed class SessionRevocations(LedgerStore store, TimeProvider time)
{
    private readonly Lazy<ConcurrentDictionary<string, byte>> _revoked = new(
        () => new ConcurrentDictionary<string, byte>(store.ReadRevokedSessions(time.GetUtcNow() - OperatorsSetup.SessionLifetime)
            .Select(id => KeyValuePair.Create(id, (byte)0))),
        LazyThreadSafetyMode.ExecutionAndPublication);

    public static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    // Durable before the sign-out is answered, so a restart does not bring the session back.
    public void Revoke(string sessionId)
    {
        store.RevokeSession(sessionId, time.GetUtcNow());
        _revoked.Value[sessionId] = 0;
    }

    public bool IsRevoked(string sessionId) => _revoked.Value.ContainsKey(sessionId);
}
