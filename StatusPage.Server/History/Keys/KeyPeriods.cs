using System.Buffers.Binary;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Server.History;

// One signing key and the tree sizes it signed (From..To, both included; for the current key To is the latest checkpoint). The
// verifier key is null only for a first key that was lost before it was remembered: then its name and ID come from its notes.
internal sealed record KeyPeriod(string? VerifierKey, string Name, uint KeyId, string Reason, long? From, long? To, long? RecordedAt);

// Every key of the log, oldest first: the first key (no entry: it is the key of the first checkpoint), then one per
// log.key_added entry. A rotation's handover checkpoint is signed by both keys, so it counts in both periods.
internal static class KeyPeriods
{
    public const string First = "first";

    public static IReadOnlyList<KeyPeriod> Of(StatusSnapshot snapshot, LedgerStore store, TransparencyLog log)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        var recorded = snapshot.Keys.Recorded;
        var latestSize = log.Latest?.Size;
        var firstCheckpoint = store.Checkpoints(0, 1) is [var oldest] ? oldest : ((long Size, string Note)?)null;
        var periods = new List<KeyPeriod>();
        var firstEnds = recorded.IsEmpty ? latestSize : LastSizeBefore(recorded[0]);
        var firstKey = recorded.IsEmpty ? log.Verifier.ToString() : recorded[0].Replaces;
        if (firstCheckpoint is { } first && (firstEnds is null || first.Size <= firstEnds))
        {
            periods.Add(Period(firstKey, first.Note, First, first.Size, firstEnds, null));
        }
        for (var i = 0; i < recorded.Count; i++)
        {
            var key = recorded[i];
            var to = i + 1 < recorded.Count ? LastSizeBefore(recorded[i + 1]) : latestSize;
            periods.Add(Period(key.VerifierKey, null, key.Reason.ToString().ToLowerInvariant(), key.FromSize, to, key.Seq));
        }
        return periods;
    }

    // The old key signs the handover checkpoint too when it was rotated, not when it was lost.
    private static long LastSizeBefore(RecordedKey next) => next.Reason == KeyChangeReason.Rotated ? next.FromSize : next.FromSize - 1;

    private static KeyPeriod Period(string? verifierKey, string? note, string reason, long? from, long? to, long? recordedAt)
    {
        if (verifierKey is not null && NoteVerifier.TryParse(verifierKey, out var verifier) && verifier is not null)
        {
            return new KeyPeriod(verifierKey, verifier.Name, verifier.KeyId, reason, from, to, recordedAt);
        }
        // Only the first signature line's name and key ID are known.
        var signature = note is not null && SignedNote.Parse(note) is { } parsed ? parsed.Signatures[0] : ("?", new byte[4]);
        return new KeyPeriod(null, signature.Item1, BinaryPrimitives.ReadUInt32BigEndian(signature.Item2), reason, from, to, recordedAt);
    }
}
