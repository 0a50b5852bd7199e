using System.Collections.Concurrent;

namespace StatusPage.Server.Operators;

// Last-used times of API tokens: in memory only (a read on every request must not write to the ledger); reset at restart.
internal sealed class TokenUsage
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUsed = new();

    public void Touch(string tokenId, DateTimeOffset at) => _lastUsed[tokenId] = at;

    public DateTimeOffset? LastUsed(string tokenId) => _lastUsed.TryGetValue(tokenId, out var at) ? at : null;
}
