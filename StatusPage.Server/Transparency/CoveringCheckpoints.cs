using System.Collections.Concurrent;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Transparency;

// What a page shows for the entry at which its content last changed (issue 15): that entry's hash and the first signed
// checkpoint that includes it (the smallest signed tree size at or above its seq). Neither changes once signed, so a page whose
// content a later post does not touch keeps its bytes; the newest checkpoint has its own file (/api/v1/ledger/checkpoint).
internal sealed class CoveringCheckpoints(LedgerStore store, TransparencyLog log)
{
    private const int MaxRemembered = 16_384;
    private readonly ConcurrentDictionary<long, Anchor> _remembered = new();

    public sealed record Anchor(long Seq, string EntryHash, SignedCheckpoint Checkpoint);

    // Null for seq 0 or while no checkpoint covers seq yet (a ledger not signed since start, or still starting).
    public Anchor? For(long seq)
    {
        if (seq < 1 || log.Latest is not { } latest || latest.Size < seq || seq > log.Tree.Size)
        {
            return null;
        }
        if (_remembered.TryGetValue(seq, out var anchor))
        {
            return anchor;
        }
        // One indexed read each, once per seq: pages render once per head and page.
        var signed = latest.Size == seq ? latest : store.Checkpoints(seq - 1, 1) is [var (_, note)] && SignedCheckpoint.ReadUnverified(note) is { } c
            ? new SignedCheckpoint(c, note)
            : null;
        if (signed is null || store.ReadEntry(seq) is not { } entry || entry.Seq != seq)
        {
            return null;
        }
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }
        return _remembered[seq] = new Anchor(seq, entry.Hash, signed);
    }
}
