using System.Collections.Immutable;
using LiteDB;
using StatusPage.Client.Contracts;
using StatusPage.Server.Cli;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Unit;

public sealed class LedgerChainTests : IDisposable
{
    private readonly TestLedger _t = TestLedger.Create();

    public void Dispose() => _t.Dispose();

    // A history that touches every entry kind.
    private void WriteRichHistory()
    {
        var open = _t.Ok(new OpenIncident("inc-1", "Private network down", Impact.Major, IncidentStatus.Investigating,
            "Investigating  \n  *trailing spaces* and blank lines kept\n\n", ImmutableSortedDictionary<string, ComponentStatus>.Empty
                .Add("private-network", ComponentStatus.MajorOutage), new CauseInput(CauseKind.Upstream, "halden", "HH-1"),
            NextUpdateBy: TestLedger.Start.AddMinutes(30)));
        _t.Time.Advance(TimeSpan.FromMinutes(5));
        var identified = _t.Ok(new PostUpdate("inc-1", IncidentStatus.Identified, "Token sk_live_1 pasted")).Entries.Single();
        _t.Ok(new CorrectPost(open.Entries[1].Id, "Investigating an interruption in FRA1.", "Wrong wording"));
        _t.Ok(new RedactPost(identified.Id, "Secret pasted"), "admin");
        _t.Time.Advance(TimeSpan.FromMinutes(5));
        _t.Ok(new PostUpdate("inc-1", IncidentStatus.Resolved, "Fixed."));
        _t.Ok(new PublishPostmortem("inc-1", "### What happened\n\nA switch restarted."));
        _t.Ok(new ReopenIncident("inc-1", IncidentStatus.Monitoring, "Seen again."));
        _t.Ok(new AttributeCause("inc-1", new CauseInput(CauseKind.Internal)));
        _t.Ok(new ScheduleMaintenance("mnt-1", "Firmware", ["private-network"], TestLedger.Start.AddDays(1),
            TestLedger.Start.AddDays(1).AddHours(2), "Planned."));
        _t.Ok(new SetComponentStatus("query-api", ComponentStatus.DegradedPerformance));
    }

    [Fact]
    public void A_fresh_ledger_verifies_with_a_gap_free_chain()
    {
        WriteRichHistory();

        var entries = _t.Store.ReadAll().ToList();

        Assert.Null(ChainVerifier.VerifyAll(entries, out var head));
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(LedgerEntry.GenesisHash, entries[0].PrevHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PrevHash));
        Assert.Equal(_t.State.Head, head);
    }

    [Fact]
    public void Bodies_are_stored_exactly_including_whitespace()
    {
        WriteRichHistory();
        _t.Restart();

        var first = _t.State.Incidents["inc-1"].Updates.First();

        Assert.Equal("Investigating  \n  *trailing spaces* and blank lines kept\n\n", first.Body);
    }

    [Fact]
    public void Replaying_the_ledger_gives_the_same_read_model_as_the_live_projection()
    {
        WriteRichHistory();
        var live = Serialize(_t.State);

        _t.Restart();

        Assert.Equal(live, Serialize(_t.State));
        Assert.False(_t.State.IsReadOnly);
    }

    [Fact]
    public void A_replayed_read_model_keeps_one_copy_of_each_repeated_author_owner_and_status_word()
    {
        WriteRichHistory();
        _t.Restart();

        var posts = _t.State.Incidents["inc-1"].AllPosts.Where(p => p.Author == "tester").ToList();
        var owners = posts.Select(p => _t.State.PostOwners[p.Id]).ToList();
        var updates = posts.Where(p => p.Status?.Incident is IncidentStatus.Resolved or IncidentStatus.Monitoring).ToList();

        Assert.True(posts.Count >= 3);
        Assert.All(posts, p => Assert.Same(posts[0].Author, p.Author));
        Assert.All(owners, o => Assert.Same(owners[0], o));
        // A post's status is a typed value now (PostStatus), no string to share: the replay still found the resolve and monitoring posts.
        Assert.NotEmpty(updates);
    }

    [Fact]
    public async Task A_read_model_read_from_its_snapshot_keeps_one_copy_of_each_repeated_author_and_post_id()
    {
        WriteRichHistory();
        var path = Path.Combine(_t.Dir, "statuspage.readmodel");
        ReadModelSnapshot.Write(path, _t.State, _t.Ledger.Transparency.Tree.LeafHashes());

        var read = (await ReadModelSnapshot.TryReadAsync(path))!.Model;

        Assert.Equal(Serialize(_t.State), Serialize(read));
        var posts = read.Incidents["inc-1"].AllPosts.Where(p => p.Author == "tester").ToList();
        Assert.True(posts.Count >= 3);
        Assert.All(posts, p => Assert.Same(posts[0].Author, p.Author));
        // The post owners' keys are the posts' own id strings, not copies.
        Assert.All(posts, p => Assert.Same(p.Id, read.PostOwners.Keys.Single(k => k == p.Id)));
    }

    [Fact]
    public async Task The_background_verification_finds_a_model_read_back_the_same_and_one_with_any_part_changed_different()
    {
        WriteRichHistory();
        var at = TestLedger.Start;
        var state = _t.State;
        var request = new RecordedRequest("request-sha", 201, "/api/v1/incidents/inc-1", "{}", "tester", at);
        var observation = new ProviderObservation("inc-1", "halden", "minor", "Degraded", [], at, "https://status.halden.example", 9, at, "tester");
        var key = new RecordedKey("verifier", KeyChangeReason.Rotated, 9, null, 9, at, "admin");
        // One value of every part kind: the rich history has no idempotent write, observation, key change or token.
        var baseline = state with
        {
            Requests = state.Requests.SetItem("key-sha", request),
            ProviderObservations = state.ProviderObservations.SetItem("inc-1", [observation]),
            Keys = new SigningKeys([key]),
            Roster = state.Roster with { TokenIdsBySha256 = state.Roster.TokenIdsBySha256.SetItem("token-sha", "token-1") },
        };
        var path = Path.Combine(_t.Dir, "statuspage.readmodel");
        ReadModelSnapshot.Write(path, baseline, _t.Ledger.Transparency.Tree.LeafHashes());
        var read = (await ReadModelSnapshot.TryReadAsync(path))!.Model;
        var owner = baseline.PostOwners.Keys.First();
        // Each differs from the baseline in one value of one part kind, under the same key.
        var changed = new Dictionary<string, StatusSnapshot>
        {
            ["roster"] = baseline with { Roster = baseline.Roster with { TokenIdsBySha256 = baseline.Roster.TokenIdsBySha256.SetItem("token-sha", "token-2") } },
            ["keys"] = baseline with { Keys = new SigningKeys([key with { FromSize = 10 }]) },
            ["last public seq"] = baseline with { LastPublicSeq = baseline.LastPublicSeq + 1 },
            ["provider"] = baseline with { Providers = baseline.Providers.SetItem("halden", baseline.Providers["halden"] with { Name = "Halden" }) },
            ["group"] = baseline with { Groups = baseline.Groups.SetItem("api", baseline.Groups["api"] with { Name = "APIs" }) },
            ["component"] = baseline with { Components = baseline.Components.SetItem("query-api", baseline.Components["query-api"] with { Name = "Reads" }) },
            ["incident"] = baseline with { Incidents = baseline.Incidents.SetItem("inc-1", baseline.Incidents["inc-1"] with { Title = "Network down" }) },
            ["maintenance"] = baseline with { Maintenances = baseline.Maintenances.SetItem("mnt-1", baseline.Maintenances["mnt-1"] with { Title = "Switches" }) },
            ["post owner"] = baseline with { PostOwners = baseline.PostOwners.SetItem(owner, "someone-else") },
            ["request"] = baseline with { Requests = baseline.Requests.SetItem("key-sha", request with { Status = 200 }) },
            ["last seq"] = baseline with { LastSeqBySubject = baseline.LastSeqBySubject.SetItem("inc-1", baseline.LastSeqOf("inc-1") + 1) },
            // The same instant at another offset: record equality would call these equal, the file would not.
            ["observations"] = baseline with { ProviderObservations = baseline.ProviderObservations.SetItem("inc-1", [observation with { RecordedAt = at.ToOffset(TimeSpan.FromHours(1)) }]) },
        };

        // Every state property of the model is set in the baseline, and the model read back holds all of them: a property
        // added to StatusSnapshot but not to the snapshot's parts fails here, instead of going unwritten and uncompared.
        var unset = typeof(StatusSnapshot).GetProperties()
            .Where(p => p.SetMethod is not null && p.Name is not (nameof(StatusSnapshot.Head) or nameof(StatusSnapshot.IntegrityProblem)))
            .Where(p => System.Text.Json.JsonSerializer.Serialize(p.GetValue(baseline)) == System.Text.Json.JsonSerializer.Serialize(p.GetValue(StatusSnapshot.Empty)))
            .Select(p => p.Name);
        Assert.Empty(unset);
        Assert.Equal(Serialize(baseline), Serialize(read));
        // Read back, no aggregate is the same instance, yet every part serializes the same.
        Assert.NotSame(baseline.Incidents["inc-1"], read.Incidents["inc-1"]);
        Assert.True(ReadModelSnapshot.SameModel(baseline, read));
        Assert.All(changed, pair => Assert.False(ReadModelSnapshot.SameModel(read, pair.Value), $"a changed {pair.Key} went unnoticed"));
    }

    [Fact]
    public void A_stop_during_the_replay_ends_it_publishes_nothing_and_leaves_the_file_whole()
    {
        WriteRichHistory();
        var head = _t.State.Head;
        _t.Close();
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();

        using (var store = new LedgerStore(_t.DataPath))
        using (var ledger = new LedgerService(store, _t.Time, new Server.Transparency.TransparencyLog(_t.KeyFile),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LedgerService>.Instance))
        {
            Assert.Throws<OperationCanceledException>(() => ledger.Load(stopped.Token));
            Assert.Equal(LedgerHead.Empty, ledger.Current.Head);
        }

        _t.Restart();
        Assert.Equal(head, _t.State.Head);
        Assert.False(_t.State.IsReadOnly);
    }

    public static TheoryData<string> StoredFields { get; } =
        ["EntryId", "RecordedAt", "Kind", "Subject", "Author", "Payload", "Body", "PrevHash", "Hash"];

    [Theory]
    [MemberData(nameof(StoredFields))]
    public void Changing_any_stored_field_of_an_entry_is_detected_and_that_entry_is_named(string field)
    {
        WriteRichHistory();
        var target = _t.Store.ReadAll().First(e => e.Body is not null && e.Seq > 6);
        _t.Close();

        using (var db = new LiteDatabase(_t.DataPath))
        {
            var collection = db.GetCollection("ledger");
            var doc = collection.FindById(target.Seq);
            doc[field] = field switch
            {
                "RecordedAt" => "2020-01-01T00:00:00.000Z",
                "Payload" => doc[field].AsString.Replace("\"status\":\"", "\"status\":\"x", StringComparison.Ordinal),
                _ => doc[field].AsString + "x",
            };
            collection.Update(doc);
        }
        using var store = new LedgerStore(_t.DataPath);

        var problem = ChainVerifier.VerifyAll(store.ReadAll(), out var head);

        Assert.NotNull(problem);
        Assert.Equal(target.Seq, problem.Seq);
        Assert.Equal(target.Seq - 1, head.Seq);
    }

    [Fact]
    public void The_hash_is_sha256_over_the_documented_netstrings_counting_utf8_bytes()
    {
        var at = new DateTimeOffset(2026, 3, 14, 1, 56, 7, 89, TimeSpan.Zero);
        string[] fields = ["statuspage-ledger/1", "42", "e-1", "2026-03-14T01:56:07.089Z", "incident.opened", "inc-1", "Zoë",
            """{"title":"Réseau privé — FRA1"}""", LedgerEntry.GenesisHash];
        // Written out here independently of LedgerEntry's pooled-buffer encoder.
        var canonical = string.Concat(fields.Select(f => $"{System.Text.Encoding.UTF8.GetByteCount(f)}:{f},"));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, LedgerEntry.ComputeHash(42, "e-1", at, "incident.opened", "inc-1", "Zoë", fields[7], LedgerEntry.GenesisHash));
    }

    [Fact]
    public void A_stored_hash_rewritten_in_capitals_is_an_altered_field()
    {
        WriteRichHistory();
        var target = _t.Store.ReadAll().First(e => e.Seq > 6);
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            var collection = db.GetCollection("ledger");
            var doc = collection.FindById(target.Seq);
            doc["Hash"] = doc["Hash"].AsString.ToUpperInvariant();
            collection.Update(doc);
        }
        using var store = new LedgerStore(_t.DataPath);

        var problem = ChainVerifier.VerifyAll(store.ReadAll(), out _);

        Assert.Equal(target.Seq, problem?.Seq);
    }

    [Fact]
    public void A_deleted_body_without_a_redaction_is_detected()
    {
        WriteRichHistory();
        var target = _t.Store.ReadAll().Last(e => e.Body is not null);
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            var doc = db.GetCollection("ledger").FindById(target.Seq);
            doc["Body"] = BsonValue.Null;
            db.GetCollection("ledger").Update(doc);
        }
        using var store = new LedgerStore(_t.DataPath);

        var problem = ChainVerifier.VerifyAll(store.ReadAll(), out _);

        Assert.Equal(target.Seq, problem?.Seq);
        Assert.Contains("no redaction", problem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_entry_is_detected_and_the_gap_is_named()
    {
        WriteRichHistory();
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            db.GetCollection("ledger").Delete(4);
        }
        using var store = new LedgerStore(_t.DataPath);

        Assert.Equal(4, ChainVerifier.VerifyAll(store.ReadAll(), out _)?.Seq);
    }

    [Fact]
    public void A_tampered_ledger_loads_read_only_with_the_verified_prefix_and_refuses_writes()
    {
        WriteRichHistory();
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            var doc = db.GetCollection("ledger").FindById(8);
            doc["Author"] = "mallory";
            db.GetCollection("ledger").Update(doc);
        }

        _t.Restart();

        Assert.True(_t.State.IsReadOnly);
        Assert.Contains("entry 8", _t.State.IntegrityProblem, StringComparison.Ordinal);
        Assert.Equal(7, _t.State.Head.Seq);
        var refused = _t.Do(new SetComponentStatus("query-api", ComponentStatus.MajorOutage));
        Assert.Equal(RuleKind.ReadOnly, refused.Violation?.Kind);
    }

    [Fact]
    public void Concurrent_appends_from_many_threads_stay_gap_free_and_verify()
    {
        const int threads = 8;
        const int perThread = 500;
        var before = _t.State.Head.Seq;
        var statuses = Enum.GetValues<ComponentStatus>();

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var result = _t.Ledger.AppendAsync(new SetComponentStatus("query-api", statuses[(thread + i) % statuses.Length]),
                    $"thread-{thread}").GetAwaiter().GetResult();
                Assert.True(result.Succeeded);
            }
        });

        var entries = _t.Store.ReadAll().ToList();
        Assert.Equal(before + threads * perThread, entries.Count);
        Assert.Null(ChainVerifier.VerifyAll(entries, out var head));
        Assert.Equal(_t.State.Head, head);
        Assert.All(Enumerable.Range(0, threads), t => Assert.Equal(perThread, entries.Count(e => e.Author == $"thread-{t}")));
    }

    [Fact]
    public void A_second_store_on_the_same_data_file_fails_fast_with_a_clear_message()
    {
        var error = Assert.Throws<DataFileInUseException>(() => new LedgerStore(_t.DataPath));

        Assert.Contains(_t.DataPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_export_and_import_round_trip_through_the_command_line()
    {
        WriteRichHistory();
        _t.Close();
        var export = Path.Combine(_t.Dir, "export.ndjson");
        var copy = Path.Combine(_t.Dir, "copy.db");

        var (exportCode, exported, _) = Cli("export", $"--StatusPage:DataPath={_t.DataPath}");
        File.WriteAllText(export, exported);
        var (importCode, imported, importError) = Cli("import", export, $"--StatusPage:DataPath={copy}");
        var (verifyCode, verified, _) = Cli("verify", $"--StatusPage:DataPath={copy}");
        var (againCode, again, _) = Cli("import", export, $"--StatusPage:DataPath={copy}");

        Assert.Equal(0, exportCode);
        Assert.Equal(0, importCode);
        Assert.True(importError.Length == 0, importError);
        var lines = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal(18, lines);
        Assert.Contains($"imported {lines} entries", imported, StringComparison.Ordinal);
        Assert.Equal(0, verifyCode);
        Assert.Contains($"{lines} entries verified", verified, StringComparison.Ordinal);
        Assert.Equal(0, againCode);
        Assert.Contains("imported 0 entries", again, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_refuses_a_file_whose_chain_does_not_verify_and_changes_nothing()
    {
        WriteRichHistory();
        _t.Close();
        var (_, exported, _) = Cli("export", $"--StatusPage:DataPath={_t.DataPath}");
        var forged = Path.Combine(_t.Dir, "forged.ndjson");
        File.WriteAllText(forged, exported.Replace("Fixed.", "Never broken.", StringComparison.Ordinal));
        var target = Path.Combine(_t.Dir, "target.db");

        var (code, _, error) = Cli("import", forged, $"--StatusPage:DataPath={target}");
        var (verifyFileCode, _, verifyFileError) = Cli("verify", forged);

        Assert.Equal(1, code);
        Assert.Contains("REFUSED", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", error, StringComparison.Ordinal);
        Assert.Equal(1, verifyFileCode);
        Assert.Contains("first bad entry is entry", verifyFileError, StringComparison.Ordinal);
        using var store = new LedgerStore(target);
        Assert.Equal(0, store.Count());
    }

    [Fact]
    public void Verify_exits_1_and_names_the_first_bad_entry()
    {
        WriteRichHistory();
        _t.Close();
        using (var db = new LiteDatabase(_t.DataPath))
        {
            var doc = db.GetCollection("ledger").FindById(5);
            doc["Subject"] = "other";
            db.GetCollection("ledger").Update(doc);
        }

        var (code, _, error) = Cli("verify", $"--StatusPage:DataPath={_t.DataPath}");

        Assert.Equal(1, code);
        Assert.Contains("first bad entry is entry 5 ", error, StringComparison.Ordinal);
    }

    private static (int Code, string Out, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Serialize(StatusSnapshot snapshot) => System.Text.Json.JsonSerializer.Serialize(snapshot with
    {
        Incidents = snapshot.Incidents.WithComparers(StringComparer.Ordinal),
    }, Indented);

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
}
