using StatusPage.Server.Cli;
using StatusPage.Server.History;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// Replacing the log's signing key is itself a ledger entry (log.key_added): through the CLI (rotate-key) with a handover both
// keys sign, or at start when the key file is lost; old checkpoints stay verifiable with the old key.
public sealed class KeyReplacementTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    private string DataArg => $"--StatusPage:DataPath={_t.DataPath}";

    private string KeyPath => TransparencyKeyFile.DefaultPath(_t.DataPath);

    private static (int Code, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    // As the server does once it has started: records key changes and remembers the verifier key with the data file.
    private void StartUpSteps() => _t.Ledger.SignHeadIfUnsignedAsync().GetAwaiter().GetResult();

    [Fact]
    public void Rotate_key_records_the_new_key_in_a_checkpoint_both_keys_sign_and_the_ledger_then_signs_with_the_new_key()
    {
        StartUpSteps();
        var oldKey = _t.KeyFile.Verifier;
        var sizeBefore = _t.State.Head.Seq;
        var oldCheckpoint = Path.Combine(_t.Dir, "old-checkpoint.txt");
        File.WriteAllText(oldCheckpoint, _t.Store.CheckpointAt(sizeBefore));
        _t.Close();

        var (code, output, error) = Cli("rotate-key", DataArg);

        Assert.True(code == 0, error);
        Assert.Contains($"recorded as entry {sizeBefore + 1} (log.key_added)", output, StringComparison.Ordinal);
        Assert.True(File.Exists($"{KeyPath}.retired-{oldKey.KeyId:x8}"), "the old key file is not kept aside");
        _t.Restart(freshKey: true);
        var newKey = _t.KeyFile.Verifier;
        Assert.NotEqual(oldKey.ToString(), newKey.ToString());
        var recorded = Assert.Single(_t.State.Keys.Recorded);
        Assert.Equal((newKey.ToString(), KeyChangeReason.Rotated, sizeBefore + 1, oldKey.ToString()),
            (recorded.VerifierKey, recorded.Reason, recorded.FromSize, recorded.Replaces));
        var handover = _t.Store.CheckpointAt(sizeBefore + 1)!;
        Assert.NotNull(SignedCheckpoint.Open(handover, oldKey));
        Assert.NotNull(SignedCheckpoint.Open(handover, newKey));

        _t.Ok(new DeclareProvider("after-rotation", "After", null));

        var latest = _t.Ledger.Transparency.Latest!;
        Assert.Equal(sizeBefore + 2, latest.Size);
        Assert.NotNull(SignedCheckpoint.Open(latest.Note, newKey));
        Assert.Null(SignedCheckpoint.Open(latest.Note, oldKey));
        Assert.NotNull(SignedCheckpoint.Open(_t.Store.CheckpointAt(sizeBefore)!, oldKey));
        var periods = KeyPeriods.Of(_t.State, _t.Store, _t.Ledger.Transparency);
        Assert.Equal([("first", 1L, sizeBefore + 1), ("rotated", sizeBefore + 1, sizeBefore + 2)],
            periods.Select(p => (p.Reason, p.From!.Value, p.To!.Value)));
        _t.Close();

        // The old key's checkpoint still verifies: without --key, any key the ledger records is accepted.
        var (verifyCode, verifyOutput, verifyError) = Cli("verify", "--checkpoint", oldCheckpoint, DataArg);
        Assert.True(verifyCode == 0, verifyError);
        Assert.Contains($"signed by the key {oldKey} (recorded in this ledger, entry {sizeBefore + 1})", verifyOutput, StringComparison.Ordinal);
        var (pinnedCode, _, _) = Cli("verify", "--checkpoint", oldCheckpoint, "--key", oldKey.ToString(), DataArg);
        Assert.Equal(0, pinnedCode);
    }

    [Fact]
    public void Rotate_key_with_reason_lost_signs_the_handover_with_the_new_key_only()
    {
        StartUpSteps();
        var oldKey = _t.KeyFile.Verifier;
        _t.Close();

        var (code, output, error) = Cli("rotate-key", "--reason", "lost", DataArg);

        Assert.True(code == 0, error);
        Assert.Contains("signed by the new key only", output, StringComparison.Ordinal);
        _t.Restart(freshKey: true);
        var recorded = Assert.Single(_t.State.Keys.Recorded);
        Assert.Equal(KeyChangeReason.Lost, recorded.Reason);
        var handover = _t.Store.CheckpointAt(recorded.FromSize)!;
        Assert.Null(SignedCheckpoint.Open(handover, oldKey));
        Assert.NotNull(SignedCheckpoint.Open(handover, _t.KeyFile.Verifier));
    }

    [Fact]
    public void Rotate_key_without_a_key_file_is_refused_as_a_rotation()
    {
        _t.Close();
        File.Delete(KeyPath);

        var (code, _, error) = Cli("rotate-key", DataArg);

        Assert.Equal(2, code);
        Assert.Contains("use --reason lost", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lost_key_file_at_start_yields_a_new_key_and_a_visible_entry_saying_the_old_one_was_lost()
    {
        StartUpSteps();
        var oldKey = _t.KeyFile.Verifier;
        var size = _t.State.Head.Seq;
        _t.Close();
        File.Delete(KeyPath);

        _t.Restart(freshKey: true);
        StartUpSteps();

        var newKey = _t.KeyFile.Verifier;
        Assert.NotEqual(oldKey.ToString(), newKey.ToString());
        Assert.Equal(size + 1, _t.State.Head.Seq);
        var entry = _t.Store.ReadAll(size).Single();
        Assert.Equal(EntryKinds.KeyAdded, entry.Kind);
        Assert.Equal("start-up", entry.Author);
        var added = (KeyAdded)PayloadJson.Deserialize(entry.Kind, entry.Payload);
        Assert.Equal((newKey.ToString(), KeyChangeReason.Lost, size + 1, oldKey.ToString()),
            (added.VerifierKey, added.Reason, added.FromSize, added.Replaces));
        var latest = _t.Ledger.Transparency.Latest!;
        Assert.Equal(size + 1, latest.Size);
        Assert.NotNull(SignedCheckpoint.Open(latest.Note, newKey));
        Assert.NotNull(SignedCheckpoint.Open(_t.Store.CheckpointAt(size)!, oldKey));
        Assert.False(_t.State.IsReadOnly);
        var periods = KeyPeriods.Of(_t.State, _t.Store, _t.Ledger.Transparency);
        Assert.Equal([(oldKey.ToString(), "first", 1L, (long?)size), (newKey.ToString(), "lost", size + 1, size + 1)],
            periods.Select(p => (p.VerifierKey, p.Reason, p.From!.Value, p.To)));

        // A second start with the new key's file records nothing more.
        _t.Restart();
        StartUpSteps();
        Assert.Equal(size + 1, _t.State.Head.Seq);
    }

    [Fact]
    public void A_rotation_cut_short_after_its_entry_is_finished_at_the_next_start()
    {
        StartUpSteps();
        var oldKey = _t.KeyFile.Verifier;
        var next = _t.KeyFile.StageNext();
        // The entry and its checkpoint are committed, as ReplaceKeyAsync does, but the key files are not swapped yet.
        _t.Ok(new AddSigningKey(next.Verifier.ToString(), KeyChangeReason.Rotated, oldKey.ToString()));
        _t.Close();

        _t.Restart(freshKey: true);
        StartUpSteps();

        Assert.Equal(next.Verifier.ToString(), _t.KeyFile.Verifier.ToString());
        Assert.False(File.Exists(_t.KeyFile.StagedPath));
        Assert.Single(_t.State.Keys.Recorded);
        next.Dispose();
    }

    [Fact]
    public void A_key_entry_must_name_a_new_valid_key()
    {
        var current = _t.KeyFile.Verifier.ToString();
        _t.Ok(new AddSigningKey(NewKey(), KeyChangeReason.Rotated, current));

        Assert.Equal("valid_verifier_key", _t.Refused(new AddSigningKey("not a key", KeyChangeReason.Lost, null)).Rule);
        Assert.Equal("new_key", _t.Refused(new AddSigningKey(_t.State.Keys.Latest!.VerifierKey, KeyChangeReason.Lost, null)).Rule);
        using var other = NoteSigner.Generate("another.example/ledger");
        Assert.Equal("same_origin", _t.Refused(new AddSigningKey(other.Verifier.ToString(), KeyChangeReason.Lost, null)).Rule);
    }

    private static string NewKey()
    {
        using var signer = NoteSigner.Generate("test.example/ledger");
        return signer.Verifier.ToString();
    }
}
