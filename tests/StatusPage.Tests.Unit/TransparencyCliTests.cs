using LiteDB;
using StatusPage.Server.Cli;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// The command-line side of the transparency log: `verify --checkpoint`, `key`, and `import` against the signed checkpoints.
public sealed class TransparencyCliTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private string DataArg => $"--StatusPage:DataPath={_t.DataPath}";

    // The checkpoint the server signed at that size, saved as a witness would keep it; then the server stops.
    private string SaveCheckpointAndStop(long size)
    {
        var path = Path.Combine(_t.Dir, $"checkpoint-{size}.txt");
        File.WriteAllText(path, _t.Store.CheckpointAt(size) ?? throw new InvalidOperationException($"no checkpoint at {size}"));
        _t.Close();
        return path;
    }

    [Fact]
    public void Verify_with_a_checkpoint_accepts_the_ledger_that_signed_it()
    {
        var checkpoint = SaveCheckpointAndStop(3);

        var (code, output, error) = Cli("verify", "--checkpoint", checkpoint, DataArg);

        Assert.True(code == 0, error);
        Assert.Contains("5 entries verified", output, StringComparison.Ordinal);
        Assert.Contains("consistent with the checkpoint of size 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_with_an_earlier_checkpoint_detects_a_consistent_rewrite_that_the_chain_alone_accepts()
    {
        var checkpoint = SaveCheckpointAndStop(3);
        var signedRoot = SignedCheckpoint.ReadUnverified(File.ReadAllText(checkpoint))!.RootBase64;
        LedgerVectors.RewriteDataFile(_t.DataPath, 2, "mallory");

        var (chainCode, _, _) = Cli("verify", DataArg);
        var (code, _, error) = Cli("verify", "--checkpoint", checkpoint, DataArg);

        Assert.Equal(0, chainCode);
        Assert.Equal(1, code);
        Assert.Contains("first 3 entries is ", error, StringComparison.Ordinal);
        Assert.Contains($"the checkpoint signs {signedRoot} for size 3: history was rewritten", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_of_an_exported_file_with_a_pinned_key_detects_a_rewrite_and_a_truncation()
    {
        var vkey = _t.KeyFile.Verifier.ToString();
        var checkpoint = SaveCheckpointAndStop(5);
        var (_, exported, _) = Cli("export", DataArg);
        var entries = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => LedgerLine.Parse(l).ToEntry()).ToList();
        var good = Write("good.ndjson", entries);
        var rewritten = Write("rewritten.ndjson", LedgerVectors.Rewrite(entries, 4, "mallory"));
        var truncated = Write("truncated.ndjson", entries.Take(4));

        var (goodCode, _, goodError) = Cli("verify", good, "--checkpoint", checkpoint, "--key", vkey);
        var (rewrittenCode, _, rewrittenError) = Cli("verify", rewritten, "--checkpoint", checkpoint, "--key", vkey);
        var (truncatedCode, _, truncatedError) = Cli("verify", truncated, "--checkpoint", checkpoint, "--key", vkey);

        Assert.True(goodCode == 0, goodError);
        Assert.Equal(1, rewrittenCode);
        Assert.Contains("history was rewritten", rewrittenError, StringComparison.Ordinal);
        Assert.Equal(1, truncatedCode);
        Assert.Contains("holds 4 entries, but the checkpoint signs a tree of size 5", truncatedError, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_rejects_a_checkpoint_whose_signature_is_not_by_the_given_key()
    {
        var checkpoint = SaveCheckpointAndStop(5);
        var otherKey = LedgerVectors.Computed()["verifier-key"].Trim();

        var (code, _, error) = Cli("verify", "--checkpoint", checkpoint, "--key", otherKey, DataArg);

        Assert.Equal(1, code);
        Assert.Contains("the checkpoint of size 5", error, StringComparison.Ordinal);
        Assert.Contains($"does not verify with the key {otherKey}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_names_a_truncation_against_the_data_files_own_latest_checkpoint()
    {
        _t.Close();
        // The newest entries deleted, the checkpoints left: the chain of what remains still verifies.
        using (var db = new LiteDatabase(_t.DataPath, LedgerStore.CreateMapper()))
        {
            db.GetCollection("ledger").DeleteMany(Query.GT("_id", 3));
        }

        var (code, _, error) = Cli("verify", DataArg);

        Assert.Equal(1, code);
        Assert.Contains("holds 3 entries, but the checkpoint signs a tree of size 5", error, StringComparison.Ordinal);
        Assert.Contains("this data file signed that checkpoint", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_every_verb_and_a_verb_without_its_arguments_is_a_usage_error()
    {
        var (code, output, _) = Cli("monitor", "--help");
        var (missingCode, _, missingError) = Cli("monitor", "https://status.example.com");

        Assert.Equal(0, code);
        foreach (var verb in new[] { "verify [LEDGER.ndjson] --checkpoint FILE", "verify-proof PROOF.json", "key", "monitor URL --state DIR", "export", "import" })
        {
            Assert.Contains(verb, output, StringComparison.Ordinal);
        }
        Assert.Equal(2, missingCode);
        Assert.Contains("usage:", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_prints_the_data_files_verifier_key()
    {
        var expected = _t.KeyFile.Verifier.ToString();
        _t.Close();

        var (code, output, _) = Cli("key", DataArg);

        Assert.Equal(0, code);
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public void Import_signs_a_checkpoint_for_the_head_it_imports()
    {
        _t.Close();
        var (_, exported, _) = Cli("export", DataArg);
        var export = Path.Combine(_t.Dir, "export.ndjson");
        File.WriteAllText(export, exported);
        var copy = Path.Combine(_t.Dir, "copy.db");

        var (code, output, error) = Cli("import", export, $"--StatusPage:DataPath={copy}");
        string note;
        using (var store = new LedgerStore(copy))
        {
            note = store.LatestCheckpoint()!.Value.Note;
        }
        var checkpoint = Path.Combine(_t.Dir, "copy-checkpoint.txt");
        File.WriteAllText(checkpoint, note);
        var (verifyCode, _, verifyError) = Cli("verify", "--checkpoint", checkpoint, $"--StatusPage:DataPath={copy}");

        Assert.True(code == 0, error);
        Assert.Contains("signed checkpoint size 5", output, StringComparison.Ordinal);
        Assert.True(verifyCode == 0, verifyError);
    }

    [Fact]
    public void Import_refuses_a_rewrite_or_a_shorter_file_that_contradicts_the_data_files_latest_checkpoint()
    {
        _t.Close();
        var (_, exported, _) = Cli("export", DataArg);
        var entries = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => LedgerLine.Parse(l).ToEntry()).ToList();
        var rewritten = Write("rewritten.ndjson", LedgerVectors.Rewrite(entries, 2, "mallory"));
        var shorter = Write("shorter.ndjson", entries.Take(3));
        // Entries deleted from the file, checkpoints left: the divergence check alone would accept either import.
        using (var db = new LiteDatabase(_t.DataPath, LedgerStore.CreateMapper()))
        {
            db.GetCollection("ledger").DeleteAll();
        }

        var (rewriteCode, _, rewriteError) = Cli("import", rewritten, DataArg);
        var (shorterCode, _, shorterError) = Cli("import", shorter, DataArg);

        Assert.Equal(1, rewriteCode);
        Assert.Contains("history was rewritten; this data file signed that checkpoint. Nothing was imported.", rewriteError,
            StringComparison.Ordinal);
        Assert.Equal(1, shorterCode);
        Assert.Contains("holds 3 entries, but the checkpoint signs a tree of size 5", shorterError, StringComparison.Ordinal);
        using var store = new LedgerStore(_t.DataPath);
        Assert.Equal(0, store.Count());
    }

    private string Write(string name, IEnumerable<LedgerEntry> entries)
    {
        var path = Path.Combine(_t.Dir, name);
        File.WriteAllLines(path, entries.Select(e => LedgerLine.From(e).ToJson()));
        return path;
    }

    private static (int Code, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
