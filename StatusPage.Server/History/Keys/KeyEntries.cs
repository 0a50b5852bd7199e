using System.Collections.Immutable;

namespace StatusPage.Server.History;

// The log's signing keys: replacing the key is itself an entry, so the ledger says which key signs which tree sizes.
internal static partial class EntryKinds
{
    public const string KeyAdded = "log.key_added";
}

// Rotated: the old key was at hand and also signed the checkpoint that records the new one. Lost: it was not (lost, or not
// to be trusted any more), so only the new key signs from here.
public enum KeyChangeReason { Rotated, Lost }

// The new verifier key signs every checkpoint from tree size FromSize (this entry's own seq) on; Replaces is the verifier key
// it takes over from, when known.
internal sealed record KeyAdded(string VerifierKey, KeyChangeReason Reason, long FromSize, string? Replaces) : IEntryPayload;

internal sealed record AddSigningKey(string VerifierKey, KeyChangeReason Reason, string? Replaces) : HistoryCommand;

// A key as the ledger recorded it, in the read model.
public sealed record RecordedKey(string VerifierKey, KeyChangeReason Reason, long FromSize, string? Replaces, long Seq,
    DateTimeOffset RecordedAt, string Author);

public sealed record SigningKeys(ImmutableList<RecordedKey> Recorded)
{
    public static readonly SigningKeys None = new(ImmutableList<RecordedKey>.Empty);

    public RecordedKey? Latest => Recorded.IsEmpty ? null : Recorded[^1];
}
