using StatusPage.Server.Ledger;

namespace StatusPage.Server.Transparency;

// proof.json: everything needed to prove one incident's (or maintenance's) published history to a third party, offline:
// its entries as the ledger publishes them, each with its RFC 9162 inclusion proof against one signed checkpoint, and the
// key that checkpoint verifies with. docs/LEDGER.md says how to check it; `verify-proof FILE` does.
public sealed record ProofBundle(
    string Format,
    string Subject,
    string SubjectKind,
    string Origin,
    string VerifierKey,
    string Checkpoint,
    long TreeSize,
    string Root,
    IReadOnlyList<ProvenEntry> Entries)
{
    public const string FormatName = "statuspage-proof/1";

    public static ProofBundle For(string subjectKind, string subject, IEnumerable<LedgerEntry> entries, SignedCheckpoint checkpoint,
        TransparencyLog log) =>
        new(FormatName, subject, subjectKind, checkpoint.Checkpoint.Origin, log.Verifier.ToString(), checkpoint.Note,
            checkpoint.Size, checkpoint.Checkpoint.RootBase64,
            [.. entries.Where(e => e.Seq <= checkpoint.Size).Select(e => new ProvenEntry(LedgerLine.From(e), e.Seq - 1,
                [.. log.Tree.InclusionProof(e.Seq - 1, checkpoint.Size).Select(Convert.ToBase64String)]))]);
}

public sealed record ProvenEntry(LedgerLine Entry, long LeafIndex, IReadOnlyList<string> Inclusion);
