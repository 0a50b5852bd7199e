using System.Diagnostics;
using System.Net;
using LiteDB;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Startup;

namespace StatusPage.Tests.Http;

// Start-up from a read-model snapshot (StatusPage:ReadModelSnapshot, issue 15): the same pages as a full replay, never
// trusted over the ledger, and a ledger tampered with under a valid snapshot caught by the background verification.
public sealed class SnapshotStartTests : IDisposable
{
    private static readonly Dictionary<string, string> Snapshots = new()
    {
        ["StatusPage:ReadModelSnapshot"] = "true",
        ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken,
    };
    private static readonly string[] Pages = ["/", "/history", "/api/v2/summary.json", "/history.atom"];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("statuspage-snapshot-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private string SnapshotFile => ReadModelSnapshot.PathBeside(Path.Combine(_dataDir, "statuspage.db"));

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task A_start_from_the_snapshot_serves_the_same_bytes_as_a_full_replay_and_says_nothing_is_unverified()
    {
        Dictionary<string, byte[]> replayed;
        using (var full = Server())
        {
            Assert.False(full.Services.GetRequiredService<LedgerService>().StartedFromSnapshot);
            replayed = await Read(full);
        }
        Assert.True(File.Exists(SnapshotFile));

        using var fromSnapshot = Server();
        var ledger = fromSnapshot.Services.GetRequiredService<LedgerService>();
        Assert.True(ledger.StartedFromSnapshot);
        await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(ledger.Current.IsReadOnly);
        Assert.False(ledger.VerificationRunning);
        var served = await Read(fromSnapshot);
        foreach (var page in Pages)
        {
            Assert.True(replayed[page].AsSpan().SequenceEqual(served[page]), $"{page} differs after a start from the snapshot");
        }
        Assert.DoesNotContain("verification is running", System.Text.Encoding.UTF8.GetString(served["/"]), StringComparison.Ordinal);
    }

    [Fact]
    public void With_default_settings_a_restart_starts_from_the_snapshot_its_first_start_saved()
    {
        using (var first = new StatusPageFactory(time: _clock, dataDir: _dataDir))
        {
            Assert.False(first.Services.GetRequiredService<LedgerService>().StartedFromSnapshot);
        }
        Assert.True(File.Exists(SnapshotFile));

        using var restarted = new StatusPageFactory(time: _clock, dataDir: _dataDir);
        Assert.True(restarted.Services.GetRequiredService<LedgerService>().StartedFromSnapshot);
    }

    [Fact]
    public async Task A_stale_snapshot_is_used_with_the_entries_appended_after_it()
    {
        Run(Server());
        using (var withoutSnapshots = new WriteApiServerOn(_dataDir, _clock))
        {
            await withoutSnapshots.Client.CreateIncident("Appended after the snapshot");
        }

        using var server = Server();
        var ledger = server.Services.GetRequiredService<LedgerService>();
        await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(ledger.StartedFromSnapshot);
        Assert.False(ledger.Current.IsReadOnly);
        Assert.Contains(ledger.Current.Incidents.Values, i => i.Title == "Appended after the snapshot");
    }

    [Fact]
    public async Task A_snapshot_cut_before_its_last_line_is_discarded_and_the_ledger_is_replayed()
    {
        Run(Server());
        var bytes = await File.ReadAllBytesAsync(SnapshotFile);
        // Every aggregate is there, only the end that counts them is not (its tag, 8-byte count and the checksum): a file cut
        // short is never used.
        Assert.Equal(0xFF, bytes[^41]);
        await File.WriteAllBytesAsync(SnapshotFile, bytes[..^41]);

        using var server = Server();
        var ledger = server.Services.GetRequiredService<LedgerService>();
        await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(ledger.StartedFromSnapshot);
        Assert.False(ledger.Current.IsReadOnly);
        Assert.NotEmpty(ledger.Current.Incidents);
    }

    [Fact]
    public async Task A_snapshot_of_another_ledger_is_discarded_and_the_ledger_is_replayed()
    {
        var otherDir = Directory.CreateTempSubdirectory("statuspage-snapshot-other-").FullName;
        try
        {
            // Same content, another clock: other recorded times, so other hashes at every seq.
            Run(new StatusPageFactory(time: new FakeTimeProvider(_clock.GetUtcNow().AddDays(-3)), dataDir: otherDir, settings: Snapshots));
            Run(Server());
            File.Copy(ReadModelSnapshot.PathBeside(Path.Combine(otherDir, "statuspage.db")), SnapshotFile, overwrite: true);

            using var server = Server();
            var ledger = server.Services.GetRequiredService<LedgerService>();
            await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.False(ledger.StartedFromSnapshot);
            Assert.False(ledger.Current.IsReadOnly);
        }
        finally
        {
            Directory.Delete(otherDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_ledger_tampered_with_under_a_valid_snapshot_is_caught_in_the_background_and_served_read_only()
    {
        Run(Server());
        long tampered;
        using (var db = new LiteDatabase(Path.Combine(_dataDir, "statuspage.db")))
        {
            // An early entry gets another author: the snapshot's head entry is untouched, so the start uses the snapshot.
            var entries = db.GetCollection("ledger");
            var entry = entries.FindById(5);
            entry["Author"] = "mallory";
            entries.Update(entry);
            tampered = entry["_id"].AsInt64;
        }

        using var server = Server();
        var ledger = server.Services.GetRequiredService<LedgerService>();
        Assert.True(ledger.StartedFromSnapshot);
        await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(ledger.Current.IsReadOnly);
        Assert.False(ledger.VerificationRunning);
        Assert.Equal(tampered - 1, ledger.Current.Head.Seq);
        Assert.Contains($"entry {tampered}", ledger.Current.IntegrityProblem, StringComparison.Ordinal);
        Assert.False(File.Exists(SnapshotFile));
        var client = server.CreateClient();
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("History verification failed.", home, StringComparison.Ordinal);
        // The log's tiles stop at the verified prefix too, though the latest checkpoint names the size served at start: the
        // tampered entry's bundle and chunk are not served, and a tile in that range is a 404, not an error.
        var prefix = tampered - 1;
        var bundle = await client.GetAsync(new Uri($"/ledger/tile/entries/000.p/{prefix}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal(34 * prefix, (await bundle.Content.ReadAsByteArrayAsync()).Length); // each entry: a 2-byte length and 32 bytes
        foreach (var beyond in new[] { $"/ledger/tile/entries/000.p/{tampered}", $"/ledger/ndjson/000.p/{tampered}.ndjson", $"/ledger/tile/0/000.p/{tampered}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(beyond, UriKind.Relative))).StatusCode);
        }
    }


    [Fact]
    public async Task A_snapshot_whose_read_model_differs_from_the_ledger_by_a_time_offset_alone_is_caught_in_the_background()
    {
        Run(Server());
        // The same instant written at another offset: equal as a DateTimeOffset, different on every page that shows the time.
        var saved = (await ReadModelSnapshot.TryReadAsync(SnapshotFile))!;
        var incident = saved.Model.Incidents.Values.OrderBy(i => i.Id, StringComparer.Ordinal).First();
        Assert.Equal(TimeSpan.Zero, incident.StartedAt.Offset);
        var shifted = incident with { StartedAt = incident.StartedAt.ToOffset(TimeSpan.FromHours(1)) };
        Assert.Equal(incident.StartedAt, shifted.StartedAt);
        // Removed and added: SetItem keeps the old value when the new one is equal, and record equality ignores the offset.
        var model = saved.Model with { Incidents = saved.Model.Incidents.Remove(incident.Id).Add(incident.Id, shifted) };
        ReadModelSnapshot.Write(SnapshotFile, model, saved.Leaves);

        using var server = Server();
        var ledger = server.Services.GetRequiredService<LedgerService>();
        Assert.True(ledger.StartedFromSnapshot);
        await ledger.Verification.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(ledger.Current.IsReadOnly);
        Assert.Contains("snapshot", ledger.Current.IntegrityProblem, StringComparison.Ordinal);
        Assert.Contains("does not match the ledger", ledger.Current.IntegrityProblem, StringComparison.Ordinal);
        Assert.False(File.Exists(SnapshotFile));
        var home = await server.CreateClient().GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("History verification failed.", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_during_the_background_verification_is_prompt_and_clean_and_leaves_the_data_file_whole()
    {
        Run(Server());
        var probe = new HeldVerification();
        LedgerHead served;
        Task verified;
        var stop = new Stopwatch();
        await using (var root = Server())
        {
            var server = root.WithWebHostBuilder(builder =>
                builder.ConfigureTestServices(services => services.AddSingleton<IBackgroundVerificationProbe>(probe)));
            var ledger = server.Services.GetRequiredService<LedgerService>();
            await probe.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(ledger.StartedFromSnapshot);
            Assert.True(ledger.VerificationRunning);
            served = ledger.Current.Head;
            verified = server.Services.GetRequiredService<LedgerReadiness>().Verified;

            stop.Start();
            await server.DisposeAsync();
            stop.Stop();
        }

        // Prompt: well inside the host's 30 s stop timeout, and because the verification saw the stop, not the timeout.
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {stop.Elapsed}");
        Assert.True(probe.SawStop);
        // Clean: the history stays unverified (never called verified), and that is a stop, not a failure.
        Assert.True(verified.IsCanceled);
        Assert.True(File.Exists(SnapshotFile));
        // Whole: a full replay of the data file verifies every entry up to the head served before the stop.
        using (var replay = new StatusPageFactory(time: _clock, dataDir: _dataDir,
            settings: new Dictionary<string, string> { ["StatusPage:ReadModelSnapshot"] = "false" }))
        {
            var ledger = replay.Services.GetRequiredService<LedgerService>();
            Assert.False(ledger.StartedFromSnapshot);
            Assert.False(ledger.Current.IsReadOnly);
            Assert.Null(ledger.Current.IntegrityProblem);
            Assert.Equal(served, ledger.Current.Head);
        }
    }

    // Starts a server, waits until it is ready, stops it (which saves the snapshot).
    private static void Run(StatusPageFactory server)
    {
        using (server)
        {
            server.CreateClient().Dispose();
        }
    }

    private StatusPageFactory Server() => new(time: _clock, dataDir: _dataDir, settings: Snapshots);

    private static async Task<Dictionary<string, byte[]>> Read(StatusPageFactory server)
    {
        var client = server.CreateClient();
        var pages = new Dictionary<string, byte[]>();
        foreach (var page in Pages)
        {
            pages[page] = await client.GetByteArrayAsync(new Uri(page, UriKind.Relative));
        }
        return pages;
    }

    // A server on the same data file with snapshots off and an admin token, to append without refreshing the snapshot.
    private sealed class WriteApiServerOn : IDisposable
    {
        private readonly StatusPageFactory _factory;

        public WriteApiServerOn(string dataDir, TimeProvider clock)
        {
            _factory = new StatusPageFactory(time: clock, dataDir: dataDir,
                settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_TOKEN"] = WriteApiServer.AdminToken });
            Client = _factory.CreateClient();
            Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WriteApiServer.AdminToken);
        }

        public HttpClient Client { get; }

        public void Dispose()
        {
            Client.Dispose();
            _factory.Dispose();
        }
    }

    // Holds the background verification at its first flush until the server stops.
    private sealed class HeldVerification : IBackgroundVerificationProbe
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool SawStop { get; private set; }

        public async Task AtFlushAsync(long seq, CancellationToken stopping)
        {
            Reached.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stopping);
            }
            finally
            {
                SawStop = stopping.IsCancellationRequested;
            }
        }
    }
}
