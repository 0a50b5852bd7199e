using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Operators;

// Signed-out console sessions: the cookie is only a signed ticket, so without this list a copy of it would stay valid until it expires.
internal sealed class SessionRevocations(LedgerStore store, TimeProvider time)
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
