using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

internal sealed record ChainProblem(long Seq, string EntryId, string Reason)
{
    public override string ToString() => $"entry {Seq} ({EntryId}): {Reason}";
}

// An entry checked against the SHA-256 of its canonical encoding, with the SHA-256 of its body, as computed from what is
// stored. Digests stay bytes: a replay computes ~170,000 of them, and hex strings for each were ~26 MB of garbage.
internal sealed class HashedEntry
{
    private readonly Sha256Digest _body;
    private readonly bool _hasBody;

    private HashedEntry(LedgerEntry entry)
    {
        Entry = entry;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        LedgerEntry.ComputeHash(entry.Seq, entry.Id, entry.RecordedAt, entry.Kind, entry.Subject, entry.Author, entry.Payload,
            entry.PrevHash, digest);
        HashMatches = LedgerEntry.IsHexOf(digest, entry.Hash);
        if (entry.Body is not null)
        {
            LedgerEntry.Sha256(entry.Body, _body);
            _hasBody = true;
        }
    }

    public static HashedEntry Of(LedgerEntry entry) => new(entry);

    public LedgerEntry Entry { get; }

    // The stored hash is exactly the computed one (as text: an uppercase or padded copy is an altered field).
    public bool HashMatches { get; }

    public bool BodyMatches(string committedSha256) => _hasBody && LedgerEntry.IsHexOf(_body, committedSha256);

    [InlineArray(32)]
    private struct Sha256Digest
    {
        private byte _first;
    }
}

// Checks the chain entry by entry: gap-free sequence, links, hashes, bodies against the hashes the payloads commit to.
internal sealed class ChainVerifier
{
    private readonly HashSet<string> _redacted = [];
    private readonly Dictionary<string, long> _missingBodies = [];
    private LedgerHead _head = LedgerHead.Empty;

    public LedgerHead Head => _head;

    // Checks entries after a head taken as given (a read-model snapshot's, which the whole-chain check confirms later).
    public static ChainVerifier After(LedgerHead head) => new() { _head = head };

    public long Count => _head.Seq;

    public ChainProblem? Check(LedgerEntry entry) => Check(HashedEntry.Of(entry), out _);

    // As above, with the hashes already computed (HashedEntry.Of); on success also hands back
    // the parsed payload, so a replay reads each payload once.
    public ChainProblem? Check(HashedEntry hashed, out IEntryPayload? payload)
    {
        var entry = hashed.Entry;
        payload = null;
        if (entry.Seq != _head.Seq + 1)
        {
            return new(_head.Seq + 1, "?", $"entry {_head.Seq + 1} is missing or was renumbered; the next stored entry is {entry.Seq} ({entry.Id})");
        }
        if (entry.PrevHash != _head.Hash)
        {
            return new(entry.Seq, entry.Id, $"previous hash {Short(entry.PrevHash)} does not match entry {_head.Seq}'s hash {Short(_head.Hash)}");
        }
        if (!hashed.HashMatches)
        {
            return new(entry.Seq, entry.Id, "hash does not match the entry's contents (a field was altered after it was written)");
        }
        if (CheckPayload(hashed, out payload) is { } reason)
        {
            payload = null;
            return new(entry.Seq, entry.Id, reason);
        }
        _head = new LedgerHead(entry.Seq, entry.Hash);
        return null;
    }

    // Called after the last entry: a body may be absent only if a later entry redacted it.
    public ChainProblem? Finish()
    {
        foreach (var (entryId, seq) in _missingBodies.OrderBy(m => m.Value))
        {
            if (!_redacted.Contains(entryId))
            {
                return new(seq, entryId, "body is missing but no redaction names this entry");
            }
        }
        return null;
    }

    public static ChainProblem? VerifyAll(IEnumerable<LedgerEntry> entries, out LedgerHead head)
    {
        var verifier = new ChainVerifier();
        foreach (var entry in entries)
        {
            if (verifier.Check(entry) is { } problem)
            {
                head = verifier.Head;
                return problem;
            }
        }
        head = verifier.Head;
        return verifier.Finish();
    }

    private string? CheckPayload(HashedEntry hashed, out IEntryPayload? payload)
    {
        var entry = hashed.Entry;
        try
        {
            payload = PayloadJson.Deserialize(entry.Kind, entry.Payload);
        }
        catch (JsonException e)
        {
            payload = null;
            return $"payload cannot be read: {e.Message}";
        }
        if (payload is Redacted redacted)
        {
            _redacted.Add(redacted.Redacts);
        }
        if (payload is not IBodyPayload withBody)
        {
            return entry.Body is null ? null : "carries a body although its kind has none";
        }
        if (entry.Body is null)
        {
            _missingBodies[entry.Id] = entry.Seq;
            return null;
        }
        return hashed.BodyMatches(withBody.BodySha256)
            ? null
            : "body does not match the SHA-256 its payload commits to (the text was altered)";
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
