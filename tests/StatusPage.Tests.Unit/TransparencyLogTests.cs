using System.Security.Cryptography;
using LiteDB;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// The Merkle tree against the RFC 6962 / RFC 9162 reference vectors (transparency-dev/merkle testonly data), the C2SP
// signed-note example, and the ledger's use of both: every append signed, truncation and rewrite caught at start.
public sealed class TransparencyLogTests : IDisposable
{
    private static readonly byte[][] ReferenceLeaves = [.. new[] { "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f" }.Select(Convert.FromHexString)];

    private static readonly string[] ReferenceRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private static MerkleTree ReferenceTree()
    {
        var tree = new MerkleTree();
        foreach (var leaf in ReferenceLeaves)
        {
            tree.Append(leaf);
        }
        return tree;
    }

    private static string Hex(IEnumerable<byte[]> hashes) => string.Join(",", hashes.Select(Convert.ToHexStringLower));

    [Fact]
    public void Roots_at_every_size_match_the_rfc_6962_reference_vectors()
    {
        var tree = ReferenceTree();

        for (var size = 0; size <= ReferenceLeaves.Length; size++)
        {
            Assert.Equal(ReferenceRoots[size], Convert.ToHexStringLower(tree.Root(size)));
        }
    }

    [Fact]
    public void Inclusion_and_consistency_proofs_match_the_reference_vectors()
    {
        var tree = ReferenceTree();

        Assert.Equal("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7,"
            + "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,"
            + "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4", Hex(tree.InclusionProof(0, 8)));
        Assert.Equal("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b,"
            + "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0,"
            + "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7", Hex(tree.InclusionProof(5, 8)));
        Assert.Equal("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,"
            + "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4", Hex(tree.ConsistencyProof(2, 8)));
        Assert.Equal("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e,"
            + "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", Hex(tree.ConsistencyProof(2, 5)));
    }

    [Fact]
    public void Every_proof_in_trees_up_to_40_leaves_verifies_and_a_wrong_one_does_not()
    {
        var tree = new MerkleTree();
        var leaves = Enumerable.Range(0, 40).Select(i => SHA256.HashData([(byte)i, (byte)(i * 7)])).ToArray();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        for (var n = 1; n <= leaves.Length; n++)
        {
            var root = tree.Root(n);
            for (var i = 0; i < n; i++)
            {
                var path = tree.InclusionProof(i, n);
                Assert.True(MerkleProofs.VerifyInclusion(leaves[i], i, n, path, root), $"leaf {i} in {n}");
                Assert.False(MerkleProofs.VerifyInclusion(leaves[(i + 1) % leaves.Length], i, n, path, root), $"wrong leaf {i} in {n}");
                Assert.False(n > 1 && MerkleProofs.VerifyInclusion(leaves[i], (i + 1) % n, n, path, root), $"wrong index {i} in {n}");
            }
            for (var m = 1; m <= n; m++)
            {
                var proof = tree.ConsistencyProof(m, n);
                Assert.True(MerkleProofs.VerifyConsistency(m, tree.Root(m), n, root, proof), $"{m} → {n}");
                if (m < n)
                {
                    Assert.False(m > 1 && MerkleProofs.VerifyConsistency(m, tree.Root(m - 1), n, root, proof), $"wrong old root {m} → {n}");
                    var tampered = proof.Select(h => (byte[])h.Clone()).ToList();
                    tampered[^1][0] ^= 1;
                    Assert.False(MerkleProofs.VerifyConsistency(m, tree.Root(m), n, root, tampered), $"tampered {m} → {n}");
                }
            }
        }
    }

    [Fact]
    public void A_truncated_tree_grows_back_to_the_same_roots()
    {
        var tree = ReferenceTree();
        tree.Truncate(3);

        Assert.Equal(3, tree.Size);
        foreach (var leaf in ReferenceLeaves[3..])
        {
            tree.Append(leaf);
        }
        Assert.Equal(ReferenceRoots[8], Convert.ToHexStringLower(tree.Root(8)));
        Assert.Equal(ReferenceRoots[5], Convert.ToHexStringLower(tree.Root(5)));
    }

    [Fact]
    public void The_c2sp_signed_note_example_verifies_with_its_published_key_and_an_edited_copy_does_not()
    {
        // From c2sp.org/signed-note, "Verifier keys / Example".
        const string vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        const string note = "This is an example message.\n\n— example.com/foo "
            + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

        Assert.True(NoteVerifier.TryParse(vkey, out var verifier));
        Assert.Equal(vkey, verifier!.ToString());
        Assert.Equal("This is an example message.\n", verifier.Open(note));
        Assert.Null(verifier.Open(note.Replace("example message", "example massage", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_signing_key_round_trips_through_its_text_form_and_signs_checkpoints_its_verifier_key_accepts()
    {
        using var signer = NoteSigner.Generate("status.example/ledger");
        using var reread = NoteSigner.Parse(signer.ToPrivateKeyText());
        var checkpoint = new Checkpoint("status.example/ledger", 8, Convert.FromHexString(ReferenceRoots[8]));

        var note = reread.Sign(checkpoint.Text);

        Assert.True(NoteVerifier.TryParse(signer.Verifier.ToString(), out var verifier));
        var opened = SignedCheckpoint.Open(note, verifier!);
        Assert.NotNull(opened);
        Assert.Equal(8, opened.Size);
        Assert.Equal(ReferenceRoots[8], Convert.ToHexStringLower(opened.Checkpoint.Root));
        Assert.Matches("^status\\.example/ledger\n8\n[A-Za-z0-9+/]{43}=\n\n— status\\.example/ledger [A-Za-z0-9+/]{91}=\n$", note);
        using var other = NoteSigner.Generate("status.example/ledger");
        Assert.Null(SignedCheckpoint.Open(note, other.Verifier));
    }

    [Fact]
    public void Keys_whose_base64_holds_a_plus_sign_still_parse()
    {
        // Half of all keys have a '+' in their base64: key texts split on the first two '+' only, as Go's note package does.
        for (var i = 0; i < 50; i++)
        {
            using var signer = NoteSigner.Generate("status.example/ledger");
            using var reread = NoteSigner.Parse(signer.ToPrivateKeyText());
            Assert.True(NoteVerifier.TryParse(signer.Verifier.ToString(), out var verifier), signer.Verifier.ToString());
            Assert.Equal(signer.Verifier.PublicKeyBytes, verifier!.PublicKeyBytes);
            Assert.Equal(signer.Verifier.PublicKeyBytes, reread.Verifier.PublicKeyBytes);
        }
    }

    [Fact]
    public void The_key_file_is_readable_by_its_owner_only_and_the_same_key_is_used_after_a_restart()
    {
        var before = ((long Size, string Note))_t.Store.LatestCheckpoint()!;
        var keyPath = TransparencyKeyFile.DefaultPath(_t.DataPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(keyPath));
        _t.Restart();
        _t.Ok(new DeclareProvider("brightwave", "Brightwave", null));

        var after = ((long Size, string Note))_t.Store.LatestCheckpoint()!;
        using var key = NoteSigner.Parse(File.ReadAllText(keyPath));
        Assert.NotNull(SignedCheckpoint.Open(before.Note, key.Verifier));
        Assert.NotNull(SignedCheckpoint.Open(after.Note, key.Verifier));
        Assert.Equal(before.Size + 1, after.Size);
    }

    [Fact]
    public void Every_append_commits_a_checkpoint_of_the_tree_over_every_entry_hash()
    {
        var entries = _t.Store.ReadAll().ToList();
        var (size, note) = ((long, string))_t.Store.LatestCheckpoint()!;
        var reference = new MerkleTree();
        foreach (var entry in entries)
        {
            reference.Append(Convert.FromHexString(entry.Hash));
        }

        Assert.Equal(entries.Count, size);
        var checkpoint = SignedCheckpoint.ReadUnverified(note)!;
        Assert.Equal("test.example/ledger", checkpoint.Origin);
        Assert.Equal(reference.Root(size), checkpoint.Root);
        // One checkpoint per append, each for the size the ledger had then.
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), _t.Store.Checkpoints(0, 100).Select(c => c.Size));
    }

    [Fact]
    public void A_ledger_shorter_than_its_own_latest_checkpoint_loads_read_only_naming_the_truncation()
    {
        _t.Ok(new OpenIncident("inc-1", "Down", Impact.Major, IncidentStatus.Investigating, "Looking.",
            System.Collections.Immutable.ImmutableSortedDictionary<string, ComponentStatus>.Empty));
        var size = _t.Store.Count();
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            // The newest entries go, and so does every checkpoint that covered them but the latest: a careless forger.
            db.GetCollection("ledger").DeleteMany(Query.GT("_id", size - 2));
        }

        _t.Restart();

        Assert.True(_t.State.IsReadOnly);
        Assert.Contains($"signed a checkpoint for {size}", _t.State.IntegrityProblem, StringComparison.Ordinal);
        Assert.Contains("truncation", _t.State.IntegrityProblem, StringComparison.Ordinal);
        Assert.Equal(RuleKind.ReadOnly, _t.Refused(new DeclareProvider("x", "X", null)).Kind);
    }

    [Fact]
    public void A_consistent_rewrite_that_the_chain_accepts_is_caught_by_the_signed_root()
    {
        var size = _t.Store.Count();
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            // Change one entry's author and recompute every later hash: the chain alone verifies again.
            var collection = db.GetCollection("ledger");
            var prev = LedgerEntry.GenesisHash;
            for (var seq = 1L; seq <= size; seq++)
            {
                var doc = collection.FindById(seq);
                if (seq == 2)
                {
                    doc["Author"] = "mallory";
                }
                doc["PrevHash"] = prev;
                Assert.True(LedgerEntry.TryParseTime(doc["RecordedAt"].AsString, out var at));
                prev = LedgerEntry.ComputeHash(seq, doc["EntryId"].AsString, at, doc["Kind"].AsString, doc["Subject"].AsString,
                    doc["Author"].AsString, doc["Payload"].AsString, prev);
                doc["Hash"] = prev;
                collection.Update(doc);
            }
        }
        using (var check = new LedgerStore(_t.DataPath))
        {
            Assert.Null(ChainVerifier.VerifyAll(check.ReadAll(), out _));
        }

        _t.Restart();

        Assert.True(_t.State.IsReadOnly);
        Assert.Contains($"its root at size {size}", _t.State.IntegrityProblem, StringComparison.Ordinal);
        Assert.Contains("rewritten", _t.State.IntegrityProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_that_cannot_commit_leaves_the_tree_and_the_signed_size_unchanged_and_the_next_one_signs_on()
    {
        var size = _t.Store.Count();
        var rootBefore = Convert.ToBase64String(_t.Ledger.Transparency.Tree.Root(size));
        // A checkpoint already stored for the next size makes the commit fail after the tree was extended.
        _t.Store.SaveCheckpoint(size + 1, "a checkpoint nobody signed\n");

        var refused = _t.Refused(new DeclareProvider("x", "X", null));

        Assert.Equal("storage_unavailable", refused.Rule);
        Assert.Equal(size, _t.Ledger.Transparency.Tree.Size);
        Assert.Equal(rootBefore, Convert.ToBase64String(_t.Ledger.Transparency.Tree.Root(size)));
        Assert.Equal(size, _t.Store.Count());
        Assert.Equal(size, _t.Ledger.Transparency.Latest!.Size);
    }

    [Theory]
    [InlineData("x\n\n")]
    [InlineData("origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n")]
    [InlineData("origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— origin\n")]
    [InlineData("origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— origin !!!\n")]
    public void A_malformed_note_is_refused_without_an_exception(string note)
    {
        using var signer = NoteSigner.Generate("origin");

        Assert.Null(SignedNote.Parse(note));
        Assert.Null(signer.Verifier.Open(note));
        Assert.Null(SignedCheckpoint.ReadUnverified(note));
    }

    [Theory]
    [InlineData("o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n")]
    [InlineData("o\n1\nAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    [InlineData("o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")]
    public void A_checkpoint_with_an_empty_extension_line_a_non_canonical_root_or_size_is_refused(string text) =>
        Assert.Null(Checkpoint.Parse(text));

    [Fact]
    public void The_default_origin_is_the_site_host_and_path_followed_by_ledger()
    {
        Assert.Equal("status.tidewater.example/ledger", TransparencyOptions.OriginFor(new Uri("https://status.tidewater.example")));
        Assert.Equal("example.com:8443/status/ledger", TransparencyOptions.OriginFor(new Uri("https://example.com:8443/status/")));
    }
}
