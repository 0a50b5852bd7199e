using Microsoft.Extensions.Logging.Abstractions;
using StatusPage.Server.Cli;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Http;

// The demo ledger in a data folder, built once by a real server start; each test works on its own copy.
public sealed class DemoDataFixture : IAsyncLifetime
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("statuspage-monitor-demo-").FullName;

    public async Task InitializeAsync()
    {
        await using var server = new StatusPageFactory(dataDir: Dir);
        server.StartServer();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }

    public string Copy()
    {
        var copy = Directory.CreateTempSubdirectory("statuspage-monitor-").FullName;
        foreach (var file in Directory.GetFiles(Dir).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        return copy;
    }
}

// `monitor URL --state DIR` against the real server over HTTP: growth is OK; a fork, a consistent rewrite, a truncation
// and a replaced key each fail with the sizes and roots named, and leave the witness's saved state as it was.
public sealed class LedgerMonitorTests(DemoDataFixture demo) : IClassFixture<DemoDataFixture>, IDisposable
{
    private readonly List<string> _dirs = [];

    public void Dispose()
    {
        foreach (var dir in _dirs.Where(Directory.Exists))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private string NewDir(string? copyOfDemo = null)
    {
        var dir = copyOfDemo ?? Directory.CreateTempSubdirectory("statuspage-witness-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    [Fact]
    public async Task Monitor_pins_the_key_on_first_run_and_accepts_a_log_that_grows()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();

        var first = await MonitorAsync(data, state);
        var size = SavedSize(state);
        var again = await MonitorAsync(data, state);
        Append(data, "extra-1", "extra-2");
        var grown = await MonitorAsync(data, state);

        Assert.True(first.Code == 0, first.Error);
        Assert.StartsWith($"OK: size 0 → {size} consistent", first.Out, StringComparison.Ordinal);
        Assert.True(again.Code == 0, again.Error);
        Assert.StartsWith($"OK: size {size} → {size} consistent", again.Out, StringComparison.Ordinal);
        Assert.True(grown.Code == 0, grown.Error);
        Assert.StartsWith($"OK: size {size} → {size + 2} consistent", grown.Out, StringComparison.Ordinal);
        Assert.Equal(size + 2, File.ReadAllLines(Path.Combine(state, "hashes")).Length);
        using var signer = NoteSigner.Parse(File.ReadAllText(TransparencyKeyFile.DefaultPath(Path.Combine(data, "statuspage.db"))));
        Assert.Equal(signer.Verifier.ToString(), File.ReadAllText(Path.Combine(state, "key")).Trim());
    }

    [Fact]
    public async Task Monitor_fails_on_a_fork_two_roots_signed_for_the_same_size()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var (size, root) = (SavedSize(state), SavedRoot(state));
        LedgerVectors.RewriteDataFile(Path.Combine(data, "statuspage.db"), 3, "mallory");

        var forked = await MonitorAsync(data, state);

        Assert.Equal(1, forked.Code);
        Assert.Contains($"the log forked: two different roots signed for size {size}: {root} (saved) and ", forked.Error, StringComparison.Ordinal);
        Assert.Equal(root, SavedRoot(state));
    }

    [Fact]
    public async Task Monitor_fails_on_a_consistent_rewrite_even_when_the_log_also_grew()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var (size, root) = (SavedSize(state), SavedRoot(state));
        LedgerVectors.RewriteDataFile(Path.Combine(data, "statuspage.db"), 3, "mallory");
        Append(data, "extra-1");

        var rewritten = await MonitorAsync(data, state);

        Assert.Equal(1, rewritten.Code);
        Assert.Contains($"the log at size {size + 1} (root ", rewritten.Error, StringComparison.Ordinal);
        Assert.Contains($"does not extend the checkpoint saved at size {size} (root {root}): the consistency proof fails",
            rewritten.Error, StringComparison.Ordinal);
        Assert.Equal(size, SavedSize(state));
    }

    [Fact]
    public async Task Monitor_fails_on_a_truncation_naming_both_sizes()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Append(data, "extra-1", "extra-2", "extra-3");
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var (size, root) = (SavedSize(state), SavedRoot(state));
        LedgerVectors.TruncateDataFile(Path.Combine(data, "statuspage.db"), size - 3);

        var truncated = await MonitorAsync(data, state);

        Assert.Equal(1, truncated.Code);
        Assert.Contains($"the log was truncated: it now signs size {size - 3} (root ", truncated.Error, StringComparison.Ordinal);
        Assert.Contains($"but it signed size {size} (root {root}) before", truncated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_fails_when_the_server_publishes_another_key_than_the_pinned_one()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var pinned = File.ReadAllText(Path.Combine(state, "key")).Trim();
        File.Delete(TransparencyKeyFile.DefaultPath(Path.Combine(data, "statuspage.db")));

        var replaced = await MonitorAsync(data, state);

        Assert.Equal(1, replaced.Code);
        Assert.Contains($"but the pinned key is {pinned}", replaced.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_accepts_a_rotation_whose_handover_the_pinned_key_signed_and_reports_the_key_change()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var pinned = File.ReadAllText(Path.Combine(state, "key")).Trim();
        var size = SavedSize(state);
        Assert.Equal(0, Cli("rotate-key", DataArg(data)).Code);
        var newKey = CurrentKey(data);

        var rotated = await MonitorAsync(data, state);

        Assert.True(rotated.Code == 0, rotated.Error);
        Assert.Contains("KEY CHANGED: ", rotated.Error, StringComparison.Ordinal);
        Assert.Contains($"replaced the key {pinned} by {newKey} at tree size {size + 1}", rotated.Error, StringComparison.Ordinal);
        Assert.Contains("signed by both keys", rotated.Error, StringComparison.Ordinal);
        Assert.StartsWith($"OK: size {size} → {size + 1} consistent", rotated.Out, StringComparison.Ordinal);
        Assert.Equal(newKey, File.ReadAllText(Path.Combine(state, "key")).Trim());
        // Once pinned, the next run is quiet again.
        var after = await MonitorAsync(data, state);
        Assert.True(after.Code == 0, after.Error);
        Assert.DoesNotContain("KEY CHANGED", after.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_given_the_old_key_with_key_fails_plainly_on_a_rotation()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var pinned = File.ReadAllText(Path.Combine(state, "key")).Trim();
        var size = SavedSize(state);
        Assert.Equal(0, Cli("rotate-key", DataArg(data)).Code);

        var rotated = await MonitorAsync(data, state, "--key", pinned);

        Assert.Equal(1, rotated.Code);
        Assert.Contains($"KEY CHANGED: it now publishes the key {CurrentKey(data)}, but the pinned key is {pinned}.", rotated.Error,
            StringComparison.Ordinal);
        Assert.Equal(size, SavedSize(state));
    }

    [Fact]
    public async Task Monitor_fails_on_a_key_replaced_as_lost_naming_the_entry_that_records_it()
    {
        var data = NewDir(demo.Copy());
        var state = NewDir();
        Assert.Equal(0, (await MonitorAsync(data, state)).Code);
        var pinned = File.ReadAllText(Path.Combine(state, "key")).Trim();
        var size = SavedSize(state);
        File.Delete(TransparencyKeyFile.DefaultPath(Path.Combine(data, "statuspage.db")));

        var lost = await MonitorAsync(data, state);

        Assert.Equal(1, lost.Code);
        Assert.Contains($"replaced {pinned} at tree size {size + 1} (entry {size + 1}, log.key_added, reason lost): the pinned key " +
            "did not sign that handover, so it cannot be proven", lost.Error, StringComparison.Ordinal);
        Assert.Equal(pinned, File.ReadAllText(Path.Combine(state, "key")).Trim());
    }

    [Fact]
    public async Task After_a_rotation_the_keys_endpoint_and_the_verify_page_list_both_keys_with_the_sizes_they_signed()
    {
        var data = NewDir(demo.Copy());
        var oldKey = CurrentKey(data);
        Assert.Equal(0, Cli("rotate-key", DataArg(data)).Code);
        var newKey = CurrentKey(data);

        await using var server = new StatusPageFactory(dataDir: data);
        using var client = server.CreateClient();
        var size = long.Parse((await client.GetStringAsync("/api/v1/ledger/checkpoint")).Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
        using var keys = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/v1/ledger/keys"));
        using var checkpoints = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/v1/ledger/checkpoints?after=0&limit=1"));
        var first = checkpoints.RootElement.GetProperty("checkpoints")[0].GetProperty("size").GetInt64();
        var verifyPage = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/verify"));

        var listed = keys.RootElement.GetProperty("keys").EnumerateArray().Select(k => (k.GetProperty("verifier_key").GetString(),
            k.GetProperty("reason").GetString(), k.GetProperty("from_size").GetInt64(), k.GetProperty("to_size").ValueKind == System.Text.Json.JsonValueKind.Null
                ? (long?)null : k.GetProperty("to_size").GetInt64())).ToList();
        Assert.Equal([(oldKey, "first", first, (long?)size), (newKey, "rotated", size, (long?)size)], listed);
        Assert.Equal(newKey, (await client.GetStringAsync("/api/v1/ledger/key")).Trim());
        Assert.Contains(oldKey, verifyPage, StringComparison.Ordinal);
        Assert.Contains(newKey, verifyPage, StringComparison.Ordinal);
        Assert.Contains($"<td>{first} – {size}</td>", verifyPage, StringComparison.Ordinal);
        Assert.Contains($"<td>{size} – {size}</td>", verifyPage, StringComparison.Ordinal);
        Assert.Contains("(current key)", verifyPage, StringComparison.Ordinal);
        Assert.Contains($"recorded in entry #{size}", verifyPage, StringComparison.Ordinal);
    }

    private static string DataArg(string dataDir) => $"--StatusPage:DataPath={Path.Combine(dataDir, "statuspage.db")}";

    private static string CurrentKey(string dataDir)
    {
        using var signer = NoteSigner.Parse(File.ReadAllText(TransparencyKeyFile.DefaultPath(Path.Combine(dataDir, "statuspage.db"))));
        return signer.Verifier.ToString();
    }

    private static long SavedSize(string state) =>
        SignedCheckpoint.ReadUnverified(File.ReadAllText(Path.Combine(state, "checkpoint")))!.Size;

    private static string SavedRoot(string state) =>
        SignedCheckpoint.ReadUnverified(File.ReadAllText(Path.Combine(state, "checkpoint")))!.RootBase64;

    // The real server on that data folder, over HTTP on a loopback port, for one monitor run.
    private static async Task<(int Code, string Out, string Error)> MonitorAsync(string dataDir, string state, params string[] extra)
    {
        await using var server = new StatusPageFactory(dataDir: dataDir, kestrel: true);
        server.StartServer();
        var url = server.ListeningAddress().ToString();
        return await Task.Run(() => Cli(["monitor", url, "--state", state, .. extra]));
    }

    // New entries written while the server is stopped, signed with the data folder's own key, as the server would.
    private static void Append(string dataDir, params string[] providerIds)
    {
        using var store = new LedgerStore(Path.Combine(dataDir, "statuspage.db"));
        using var key = new TransparencyKeyFile(TransparencyKeyFile.DefaultPath(store.DataPath), () => "unused.example/ledger");
        using var ledger = new LedgerService(store, TimeProvider.System, new TransparencyLog(key), NullLogger<LedgerService>.Instance);
        ledger.Load();
        foreach (var id in providerIds)
        {
            var result = ledger.AppendAsync(new DeclareProvider(id, $"Provider {id}", null), "tester").GetAwaiter().GetResult();
            Assert.True(result.Succeeded, result.Violation?.ToString());
        }
    }

    internal static (int Code, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
