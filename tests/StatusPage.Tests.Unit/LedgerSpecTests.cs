using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// docs/LEDGER.md is the ledger's format for strangers: its test vectors must be exactly what the code computes.
public sealed class LedgerSpecTests
{
    [Fact]
    public void Every_test_vector_in_docs_ledger_md_is_what_the_code_computes()
    {
        var computed = LedgerVectors.Computed();
        // Written out in full, so a change to the format shows the new blocks to paste into the document.
        File.WriteAllText(Path.Combine(TestPaths.TestOutput, "ledger-vectors.md"),
            string.Concat(computed.Select(v => $"<!-- vector: {v.Key} -->\n```\n{v.Value}```\n\n")));

        var documented = LedgerVectors.FromDocument(File.ReadAllText(LedgerVectors.DocPath));

        Assert.Equal(computed.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in computed)
        {
            Assert.True(text == documented[name], $"docs/LEDGER.md vector '{name}' differs from the code's:\n{text}");
        }
    }

    [Fact]
    public void The_documented_tiny_ledger_verifies_and_its_checkpoint_opens_with_the_documented_key()
    {
        var documented = LedgerVectors.FromDocument(File.ReadAllText(LedgerVectors.DocPath));
        var entries = documented["ledger"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => LedgerLine.Parse(l).ToEntry()).ToList();

        Assert.Null(ChainVerifier.VerifyAll(entries, out var head));
        Assert.Equal(6, head.Seq);
        Assert.True(NoteVerifier.TryParse(documented["verifier-key"], out var verifier));
        var checkpoint = SignedCheckpoint.Open(documented["checkpoint"], verifier!);
        Assert.NotNull(checkpoint);
        Assert.Equal(6, checkpoint.Size);
        // The redacted update has no body; the kinds cover content, access and redaction entries.
        Assert.Null(entries[3].Body);
        Assert.NotNull(entries[4].Body);
        Assert.Contains(entries, e => e.Kind == "operator.created");
        Assert.Contains(entries, e => e.Kind == "post.redacted");
    }

    [Fact]
    public void Docs_ledger_md_names_every_entry_kind_and_every_payload_field()
    {
        var doc = File.ReadAllText(LedgerVectors.DocPath);

        foreach (var (kind, type) in StatusPage.Server.History.EntryKinds.PayloadTypes)
        {
            Assert.True(doc.Contains($"`{kind}`", StringComparison.Ordinal), $"docs/LEDGER.md does not name the kind {kind}");
            foreach (var parameter in type.GetConstructors().Single().GetParameters())
            {
                var field = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter.Name!);
                Assert.True(doc.Contains($"`{field}`", StringComparison.Ordinal), $"docs/LEDGER.md does not name {kind}'s field {field}");
            }
        }
    }
}
