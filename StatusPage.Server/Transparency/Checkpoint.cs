using System.Globalization;

namespace StatusPage.Server.Transparency;

// A C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) body: origin, tree size, base64 root, each on its own line.
public sealed record Checkpoint(string Origin, long Size, byte[] Root)
{
    public string RootBase64 => Convert.ToBase64String(Root);

    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{Size}\n{RootBase64}\n");

    // How a tree contradicts this checkpoint: fewer leaves (truncation) or another root at this size (rewrite); null when it
    // agrees. The server (its own latest checkpoint at start) and the CLI (verify --checkpoint, import) word it each their way.
    public CheckpointContradiction? ContradictionBy(MerkleTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var size = tree.Size;
        if (size < Size)
        {
            return new CheckpointContradiction(size, null);
        }
        var root = tree.Root(Size);
        return root.AsSpan().SequenceEqual(Root) ? null : new CheckpointContradiction(size, root);
    }

    // Reads a note's text (as NoteVerifier.Open returns it); extension lines are allowed and ignored.
    public static Checkpoint? Parse(string text)
    {
        var lines = text.Split('\n');
        // Extension lines (4th on) are allowed and ignored, but must not be empty.
        if (lines.Length < 4 || lines[^1].Length != 0 || lines[0].Length == 0 || lines[3..^1].Any(l => l.Length == 0) ||
            !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ||
            (lines[1].Length > 1 && lines[1][0] == '0'))
        {
            return null;
        }
        try
        {
            var root = Convert.FromBase64String(lines[2]);
            // Canonical only: the same root written another way (whitespace, missing padding) is not this format.
            return root.Length == MerkleTree.HashSize && Convert.ToBase64String(root) == lines[2] ? new Checkpoint(lines[0], size, root) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

// A tree's size and, unless it is shorter than the checkpoint (a truncation), its root at the checkpoint's size (a rewrite).
public sealed record CheckpointContradiction(long TreeSize, byte[]? RootAtSize);

// A checkpoint with the signed note that carries it (what is served, stored and kept by witnesses).
public sealed record SignedCheckpoint(Checkpoint Checkpoint, string Note)
{
    public long Size => Checkpoint.Size;

    // The checkpoint in the note, if the note verifies with the given key; null otherwise.
    public static SignedCheckpoint? Open(string note, NoteVerifier verifier) =>
        verifier.Open(note) is { } text && Checkpoint.Parse(text) is { } checkpoint && checkpoint.Origin == verifier.Name
            ? new SignedCheckpoint(checkpoint, note)
            : null;

    // The checkpoint in the note without checking any signature (to report what a bad note claims).
    public static Checkpoint? ReadUnverified(string note) =>
        SignedNote.Parse(note) is { } parsed ? Checkpoint.Parse(parsed.Text) : null;
}
