using System.Security.Cryptography;

namespace StatusPage.Server.Transparency;

// The ledger as a transparency log: the Merkle tree over every verified entry and the latest signed checkpoint.
// The ledger's one writer extends it (LedgerService); endpoints read proofs from it.
public sealed class TransparencyLog(TransparencyKeyFile key)
{
    private SignedCheckpoint? _latest;

    public MerkleTree Tree { get; } = new();

    public SignedCheckpoint? Latest => Volatile.Read(ref _latest);

    public NoteVerifier Verifier => key.Verifier;

    public string KeyPath => key.Path;

    public TransparencyKeyFile KeyFile => key;

    public void AddLeaf(string entryHashHex)
    {
        Span<byte> leaf = stackalloc byte[SHA256.HashSizeInBytes];
        if (entryHashHex.Length != leaf.Length * 2 || Convert.FromHexString(entryHashHex, leaf, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            throw new ArgumentException($"'{entryHashHex}' is not a SHA-256 hash in hex", nameof(entryHashHex));
        }
        Tree.Append(leaf);
    }

    // Signs the tree at its current size; the caller stores the result with the entries it covers, then publishes it.
    public SignedCheckpoint Sign()
    {
        var size = Tree.Size;
        var checkpoint = new Checkpoint(key.Signer.Name, size, Tree.Root(size));
        return new SignedCheckpoint(checkpoint, key.Signer.Sign(checkpoint.Text));
    }

    // The checkpoint that records a new key (log.key_added): signed by the new key and, when the old one is at hand, by the old
    // one too, so whoever trusts the old key can verify the handover. Same text, one signature line per key.
    public SignedCheckpoint SignHandover(NoteSigner next, bool oldKeySigns)
    {
        ArgumentNullException.ThrowIfNull(next);
        var size = Tree.Size;
        var checkpoint = new Checkpoint(next.Name, size, Tree.Root(size));
        var byNext = next.Sign(checkpoint.Text);
        var note = oldKeySigns ? key.Signer.Sign(checkpoint.Text) + byNext[(checkpoint.Text.Length + 1)..] : byNext;
        return new SignedCheckpoint(checkpoint, note);
    }

    public void Publish(SignedCheckpoint checkpoint) => Volatile.Write(ref _latest, checkpoint);

    // Whether the replayed tree contradicts a checkpoint this server signed earlier: shorter (truncated) or another root at
    // that size (rewritten). Null when consistent. The root is compared even if the note's key is not ours (a replaced key).
    public string? Contradiction(string storedNote)
    {
        if (SignedCheckpoint.ReadUnverified(storedNote) is not { } claimed)
        {
            return "its latest signed checkpoint cannot be read";
        }
        return claimed.ContradictionBy(Tree) switch
        {
            null => null,
            { RootAtSize: null } c =>
                $"it holds {c.TreeSize} entries but this server signed a checkpoint for {claimed.Size} (entries were removed: truncation)",
            var c => $"its root at size {claimed.Size} is {Convert.ToBase64String(c.RootAtSize)}, but this server signed " +
                $"{claimed.RootBase64} for that size (history was rewritten)",
        };
    }
}
