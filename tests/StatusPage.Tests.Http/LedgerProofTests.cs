using System.Text.Json.Nodes;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

// What a customer downloads from the demo server (ledger, checkpoint, key, one incident's proof.json), once; the server
// is stopped before any test runs.
public sealed class DemoDownloadsFixture : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("statuspage-proof-").FullName;

    public string Ledger => Path.Combine(Dir, "ledger.ndjson");

    public string Checkpoint => Path.Combine(Dir, "checkpoint.txt");

    public string Key => Path.Combine(Dir, "key.txt");

    public string Proof => Path.Combine(Dir, "proof.json");

    public async Task InitializeAsync()
    {
        await using var server = new StatusPageFactory();
        using var client = server.CreateClient();
        var ledger = await client.GetStringAsync(new Uri("/api/v1/ledger", UriKind.Relative));
        var incident = ledger.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LedgerLine.Parse)
            .First(e => e.Kind == "incident.update_posted" && e.Body is not null).Subject;
        await File.WriteAllTextAsync(Ledger, ledger);
        await File.WriteAllTextAsync(Checkpoint, await client.GetStringAsync(new Uri("/api/v1/ledger/checkpoint", UriKind.Relative)));
        await File.WriteAllTextAsync(Key, await client.GetStringAsync(new Uri("/api/v1/ledger/key", UriKind.Relative)));
        await File.WriteAllTextAsync(Proof, await client.GetStringAsync(new Uri($"/incidents/{incident}/proof.json", UriKind.Relative)));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}

// The downloads check offline: with `verify-proof`, and with tools/verify_ledger.py, a verifier written from docs/LEDGER.md only.
public sealed class LedgerProofTests(DemoDownloadsFixture downloads) : IClassFixture<DemoDownloadsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("statuspage-proof-test-").FullName;

    private string Ledger => downloads.Ledger;

    private string Checkpoint => downloads.Checkpoint;

    private string Key => downloads.Key;

    private string Proof => downloads.Proof;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Verify_proof_accepts_a_proof_json_after_the_server_is_stopped_and_rejects_an_edited_one()
    {
        var edited = Path.Combine(_dir, "edited.json");
        File.WriteAllText(edited, EditFirstBody(File.ReadAllText(Proof)));

        var (code, output, error) = LedgerMonitorTests.Cli("verify-proof", Proof);
        var (editedCode, _, editedError) = LedgerMonitorTests.Cli("verify-proof", edited);
        var (otherKeyCode, _, otherKeyError) = LedgerMonitorTests.Cli("verify-proof", Proof, "--key", LedgerVectors.Computed()["verifier-key"].Trim());

        Assert.True(code == 0, error);
        Assert.Contains("verified and included in the tree of size", output, StringComparison.Ordinal);
        Assert.Equal(1, editedCode);
        Assert.Contains("its body does not match the body_sha256", editedError, StringComparison.Ordinal);
        Assert.Equal(1, otherKeyCode);
        Assert.Contains("does not verify with the key status.example/ledger+", otherKeyError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_independent_python_verifier_accepts_the_demo_ledger_checkpoint_and_proof()
    {
        var (code, output, error) = RunPython(Ledger, Checkpoint, Key, "--proof", Proof);

        Assert.True(code == 0, error);
        Assert.StartsWith("OK: ", output, StringComparison.Ordinal);
        Assert.Contains("proof.json: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_independent_python_verifier_rejects_an_altered_body_a_truncation_and_a_consistent_rewrite()
    {
        var lines = File.ReadAllLines(Ledger).Where(l => l.Length > 0).ToList();
        var entries = lines.Select(l => LedgerLine.Parse(l).ToEntry()).ToList();
        var withBody = entries.FindIndex(e => e.Body is not null);
        var altered = Write("altered.ndjson", entries.Select((e, i) => i == withBody ? e with { Body = e.Body + "!" } : e));
        var truncated = Write("truncated.ndjson", entries.Take(entries.Count - 3));
        var rewritten = Write("rewritten.ndjson", LedgerVectors.Rewrite(entries, 3, "mallory"));

        var alteredRun = RunPython(altered, Checkpoint, Key);
        var truncatedRun = RunPython(truncated, Checkpoint, Key);
        var rewrittenRun = RunPython(rewritten, Checkpoint, Key);

        Assert.Equal(1, alteredRun.Code);
        Assert.Contains($"entry {withBody + 1} (", alteredRun.Error, StringComparison.Ordinal);
        Assert.Contains("body does not match its body_sha256", alteredRun.Error, StringComparison.Ordinal);
        Assert.Equal(1, truncatedRun.Code);
        Assert.Contains($"the ledger holds {entries.Count - 3} entries but the checkpoint signs size", truncatedRun.Error, StringComparison.Ordinal);
        Assert.Equal(1, rewrittenRun.Code);
        Assert.Contains("(rewritten)", rewrittenRun.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_independent_python_verifier_accepts_the_test_vectors_of_docs_ledger_md_roots_proofs_and_checkpoint()
    {
        var vectors = LedgerVectors.FromDocument(File.ReadAllText(LedgerVectors.DocPath));
        var ledger = Path.Combine(_dir, "vectors.ndjson");
        var checkpoint = Path.Combine(_dir, "vectors-checkpoint.txt");
        File.WriteAllText(ledger, vectors["ledger"]);
        File.WriteAllText(checkpoint, vectors["checkpoint"]);

        var (code, output, error) = RunPython(ledger, checkpoint, vectors["verifier-key"].Trim());
        var (vectorsCode, vectorsOutput, vectorsError) = RunPython("--vectors", LedgerVectors.DocPath);

        Assert.True(code == 0, error);
        Assert.StartsWith("OK: 6 entries verified", output, StringComparison.Ordinal);
        Assert.True(vectorsCode == 0, vectorsError);
        Assert.Contains("7 roots, the inclusion and consistency proofs and the checkpoint verify", vectorsOutput, StringComparison.Ordinal);
    }

    private static string EditFirstBody(string json)
    {
        var bundle = JsonNode.Parse(json)!;
        var entry = bundle["entries"]!.AsArray().Select(e => e!["entry"]!).First(e => e["body"] is not null);
        entry["body"] = entry["body"]!.GetValue<string>().Replace("e", "a", StringComparison.Ordinal);
        return bundle.ToJsonString();
    }

    private string Write(string name, IEnumerable<LedgerEntry> entries)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, entries.Select(e => LedgerLine.From(e).ToJson()));
        return path;
    }

    private static (int Code, string Out, string Error) RunPython(params string[] args) => ChildProcess.Tool("verify_ledger.py", args);
}
