using System.Text.Json;
using StatusPage.Server.History;

namespace StatusPage.Server.Ledger;

public sealed record ChainProblem(long Seq, string EntryId, string Reason)
{
    public override string ToString() => $"entry {Seq} ({EntryId}): {Reason}";
}

// An entry with the SHA-256 of its canonical encoding and of its body, as computed from what is stored.
public sealed record HashedEntry(LedgerEntry Entry, string Hash, string? BodySha256)
{
    public static HashedEntry Of(LedgerEntry entry) =>
        new(entry, entry.ComputeHash(), entry.Body is null ? null : LedgerEntry.Sha256Hex(entry.Body));
}

// Checks the chain entry by entry: gap-free sequence, links, hashes, bodies against the hashes the payloads commit to.
public sealed class ChainVerifier
{
    private readonly HashSet<string> _redacted = [];
    private readonly Dictionary<string, long> _missingBodies = [];
    private LedgerHead _head = LedgerHead.Empty;

    public LedgerHead Head => _head;

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
        if (hashed.Hash != entry.Hash)
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
        return hashed.BodySha256 == withBody.BodySha256
            ? null
            : "body does not match the SHA-256 its payload commits to (the text was altered)";
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
