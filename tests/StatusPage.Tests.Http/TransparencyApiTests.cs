using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Http;

// The transparency log as a client sees it over HTTP: a signed checkpoint of the head, the key it verifies with, and
// proofs that verify against it with nothing but the RFC 9162 algorithms.
public sealed class TransparencyApiTests(TransparencyApiTests.DemoServer server) : IClassFixture<TransparencyApiTests.DemoServer>
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _client = server.Factory.CreateClient();

    public sealed class DemoServer : IDisposable
    {
        public StatusPageFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }

    private sealed record Inclusion(long Seq, long Size, long LeafIndex, string Leaf, List<string> Hashes);

    private sealed record Consistency(long From, long To, List<string> Hashes);

    private sealed record Head(long Seq, string Hash);

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private async Task<(NoteVerifier Key, SignedCheckpoint Checkpoint)> SignedHead()
    {
        var keyText = await _client.GetStringAsync(Url("/api/v1/ledger/key"));
        Assert.True(NoteVerifier.TryParse(keyText, out var key), keyText);
        var note = await _client.GetStringAsync(Url("/api/v1/ledger/checkpoint"));
        var checkpoint = SignedCheckpoint.Open(note, key!);
        Assert.NotNull(checkpoint);
        return (key!, checkpoint);
    }

    private async Task<List<LedgerEntry>> Ledger()
    {
        var text = await _client.GetStringAsync(Url("/api/v1/ledger"));
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => LedgerLine.Parse(line).ToEntry())];
    }

    [Fact]
    public async Task The_checkpoint_is_a_c2sp_note_signed_by_the_published_key_over_the_whole_ledger()
    {
        var response = await _client.GetAsync(Url("/api/v1/ledger/checkpoint"));
        var (key, checkpoint) = await SignedHead();
        var head = await _client.GetFromJsonAsync<Head>(Url("/api/v1/ledger/head"), Json);
        var entries = await Ledger();

        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("status.tidewater.example/ledger", checkpoint.Checkpoint.Origin);
        Assert.Equal("status.tidewater.example/ledger", key.Name);
        Assert.Equal(head!.Seq, checkpoint.Size);
        var tree = new MerkleTree();
        entries.ForEach(e => tree.Append(Convert.FromHexString(e.Hash)));
        Assert.Equal(tree.Root(tree.Size), checkpoint.Checkpoint.Root);
    }

    [Fact]
    public async Task Every_entry_has_an_inclusion_proof_that_verifies_against_the_signed_root()
    {
        var (_, checkpoint) = await SignedHead();
        var entries = await Ledger();

        foreach (var entry in entries.Where(e => e.Seq % 17 == 1 || e.Seq == entries.Count))
        {
            var proof = await _client.GetFromJsonAsync<Inclusion>(Url($"/api/v1/ledger/proof/inclusion?seq={entry.Seq}&size={checkpoint.Size}"), Json);
            Assert.Equal(entry.Hash, proof!.Leaf);
            Assert.Equal(entry.Seq - 1, proof.LeafIndex);
            Assert.True(MerkleProofs.VerifyInclusion(Convert.FromHexString(entry.Hash), proof.LeafIndex, proof.Size,
                [.. proof.Hashes.Select(Convert.FromBase64String)], checkpoint.Checkpoint.Root), $"entry {entry.Seq}");
        }
    }

    [Fact]
    public async Task Every_earlier_checkpoint_is_proven_consistent_with_the_latest()
    {
        var (key, latest) = await SignedHead();
        var page = await _client.GetFromJsonAsync<JsonElement>(Url("/api/v1/ledger/checkpoints?after=0&limit=1000"), Json);
        var notes = page.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("note").GetString()!).ToList();

        Assert.NotEmpty(notes);
        foreach (var note in notes)
        {
            var earlier = SignedCheckpoint.Open(note, key);
            Assert.NotNull(earlier);
            var proof = await _client.GetFromJsonAsync<Consistency>(Url($"/api/v1/ledger/proof/consistency?from={earlier.Size}&to={latest.Size}"), Json);
            Assert.True(MerkleProofs.VerifyConsistency(earlier.Size, earlier.Checkpoint.Root, latest.Size, latest.Checkpoint.Root,
                [.. proof!.Hashes.Select(Convert.FromBase64String)]), $"{earlier.Size} → {latest.Size}");
        }
        Assert.Equal(latest.Note, notes[^1]);
    }

    [Fact]
    public async Task An_incidents_proof_bundle_holds_its_entries_each_proven_against_one_signed_checkpoint()
    {
        var (key, _) = await SignedHead();

        var bundle = await _client.GetFromJsonAsync<JsonElement>(Url("/incidents/2026-11-12-ingestion-5xx-ams2/proof.json"), Json);

        var checkpoint = SignedCheckpoint.Open(bundle.GetProperty("checkpoint").GetString()!, key);
        Assert.NotNull(checkpoint);
        Assert.Equal(key.ToString(), bundle.GetProperty("verifier_key").GetString());
        var entries = bundle.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("entry").GetProperty("kind").GetString() == "incident.opened");
        foreach (var proven in entries)
        {
            var entry = proven.GetProperty("entry").Deserialize<LedgerLine>(Json)!.ToEntry();
            Assert.Equal("2026-11-12-ingestion-5xx-ams2", entry.Subject);
            Assert.Equal(entry.Hash, entry.ComputeHash());
            var path = proven.GetProperty("inclusion").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
            Assert.True(MerkleProofs.VerifyInclusion(Convert.FromHexString(entry.Hash), entry.Seq - 1, checkpoint.Size, path,
                checkpoint.Checkpoint.Root));
        }
    }

    [Theory]
    [InlineData("/api/v1/ledger/proof/inclusion?seq=0", "seq")]
    [InlineData("/api/v1/ledger/proof/inclusion?seq=5&size=4", "seq")]
    [InlineData("/api/v1/ledger/proof/inclusion?seq=1&size=999999", "size")]
    [InlineData("/api/v1/ledger/proof/consistency?from=0&to=5", "from")]
    [InlineData("/api/v1/ledger/proof/consistency?from=6&to=5", "from")]
    [InlineData("/api/v1/ledger/proof/consistency?from=1&to=999999", "to")]
    public async Task A_proof_outside_the_signed_log_is_a_problem_naming_the_parameter(string path, string field)
    {
        var response = await _client.GetAsync(Url(path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal("out_of_range", problem.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task The_proof_bundle_of_an_unknown_incident_is_not_found()
    {
        var response = await _client.GetAsync(Url("/incidents/no-such-incident/proof.json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
