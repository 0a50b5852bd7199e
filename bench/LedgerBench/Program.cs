using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Transparency;
using StatusPage.Server.TransparencyApi;

namespace StatusPage.Bench;

// Start-up benchmark of the ledger (see bench/README.md):
//   generate --data PATH --entries N [--seed S]   builds a realistic ledger through LedgerService.AppendAsync
//   load --data PATH                              times LedgerService.Load() (replay + full chain verification) and reads memory
//   profile --data PATH                           splits the same work into phases, to see where the time goes
//   read-litedb --data PATH                       reads every document through LiteDB alone: time and allocation by type
//   read-snapshot --data PATH                     reads the read-model snapshot beside PATH (a server with snapshots on wrote it)
//   reads --data PATH                             times each reader a page calls over the whole history (Reads.cs)
// Each mode ends with one "RESULT key=value ..." line that bench/startup.sh parses.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }
        var options = Options.Parse(args.Skip(1));
        if (options.Data is null)
        {
            return Usage();
        }
        try
        {
            return args[0] switch
            {
                "generate" => await GenerateAsync(options.Data, options.Entries, options.Seed),
                "load" => Load(options.Data),
                "profile" => Profile(options.Data),
                "read-litedb" => ReadLiteDb(options.Data),
                "transparency" => Transparency(options.Data),
                "read-snapshot" => await ReadSnapshotAsync(options.Data),
                "reads" => Reads.Run(options.Data, BenchLog(options.Data)),
                _ => Usage(),
            };
        }
        catch (DataFileInUseException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }

    // LiteDB alone: every document read through a throwaway connection and dropped, twice, with what it allocates by type
    // (the runtime's allocation ticks: one per ~100 KB allocated). It shows the floor any replay through LiteDB pays.
    private static int ReadLiteDb(string dataPath)
    {
        using var ticks = new AllocationTicks();
        foreach (var pass in new[] { "cold", "warm" })
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            long documents = 0, characters = 0;
            using (var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = dataPath, Connection = LiteDB.ConnectionType.Direct }))
            {
                foreach (var document in db.GetCollection("ledger").Find(LiteDB.Query.All()))
                {
                    documents++;
                    characters += document["Payload"].AsString.Length + (document["Body"].IsString ? document["Body"].AsString.Length : 0);
                }
            }
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read-litedb ({pass}): {documents:N0} documents ({characters:N0} characters of payload and body) in {watch.ElapsedMilliseconds} ms, " +
                $"{allocatedMb:F0} MB allocated ({allocatedMb * 1024 / Math.Max(documents, 1):F1} KB per document); by type, sampled:"));
            Console.WriteLine(ticks.TakeSummary(15));
        }
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: LedgerBench generate --data PATH --entries N [--seed S]");
        Console.Error.WriteLine("       LedgerBench load --data PATH");
        Console.Error.WriteLine("       LedgerBench profile --data PATH");
        Console.Error.WriteLine("       LedgerBench read-litedb --data PATH");
        Console.Error.WriteLine("       LedgerBench transparency --data PATH   (tree build, signing, proof sizes)");
        Console.Error.WriteLine("       LedgerBench read-snapshot --data PATH  (the read-model snapshot beside PATH: time and memory)");
        Console.Error.WriteLine("       LedgerBench reads --data PATH          (each all-history reader a page calls, timed on one snapshot)");
        return 2;
    }

    private static async Task<int> GenerateAsync(string dataPath, long entries, int seed)
    {
        if (File.Exists(dataPath))
        {
            Console.Error.WriteLine($"{dataPath} already exists; generate writes a new ledger only (delete it first).");
            return 2;
        }
        if (entries < 20)
        {
            Console.Error.WriteLine("--entries must be at least 20");
            return 2;
        }
        var start = Generator.ClockStartFor(entries);
        var clock = new FakeTimeProvider(start);
        var total = Stopwatch.StartNew();
        using (var store = new LedgerStore(dataPath))
        using (var ledger = new LedgerService(store, clock, BenchLog(dataPath), NullLogger<LedgerService>.Instance))
        {
            ledger.Load();
            var generator = new Generator(store, ledger, clock, entries, seed);
            var lap = Stopwatch.StartNew();
            var lastReported = 0L;
            await generator.RunAsync(written =>
            {
                if (written - lastReported >= 10_000)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {written,8:N0} entries  {total.Elapsed.TotalSeconds,7:F1} s  " +
                        $"{(written - lastReported) / lap.Elapsed.TotalSeconds,6:F0} entries/s  clock {clock.GetUtcNow():yyyy-MM-dd}"));
                    lastReported = written;
                    lap.Restart();
                }
            });
            var snapshot = ledger.Current;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generated {snapshot.Head.Seq:N0} entries through LedgerService.AppendAsync ({generator.Commands:N0} commands): " +
                $"{snapshot.Incidents.Count:N0} incidents, {snapshot.Maintenances.Count:N0} maintenances, " +
                $"{snapshot.Components.Count} components, {generator.Corrections:N0} corrections, {generator.Redactions:N0} redactions; " +
                $"history {start:yyyy-MM-dd} .. {clock.GetUtcNow():yyyy-MM-dd}"));
        }
        total.Stop();
        var fileMb = FileSizeMb(dataPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {total.Elapsed.TotalSeconds:F1} s ({entries / total.Elapsed.TotalSeconds:F0} entries/s), file {fileMb:F1} MB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT generate_ms={total.ElapsedMilliseconds} entries={entries} file_mb={fileMb:F1}"));
        return 0;
    }

    private static int Load(string dataPath)
    {
        if (!File.Exists(dataPath))
        {
            Console.Error.WriteLine($"no data file {dataPath}");
            return 2;
        }
        var sinceStart = SinceProcessStart();
        var run = LoadOnce(dataPath);
        var (snapshot, openMs, loadMs, processMs, gcPauseMs, gen0, gen2, heapBytes, memory, jitMs, jitMethods) = run;
        // LoadOnce has returned: the store and the service are unreachable now, so this is the read model alone.
        var (modelBytes, _) = AfterFullGc();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            load: {dataPath} ({FileSizeMb(dataPath):F1} MB), {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.ProcessorCount} cores
              open store (LiteDB + lock)      {openMs,8:F0} ms
              LedgerService.Load()            {loadMs,8:F0} ms   (replay + verification of {snapshot.Head.Seq:N0} entries)
              GC during Load()                {gcPauseMs,8:F0} ms paused, {gen0} gen0 / {gen2} gen2 collections
              JIT during Load()               {jitMs,8:F0} ms compiling {jitMethods:N0} methods (on any thread)
              process start -> loaded         {processMs,8:F0} ms   (runtime start-up before Main: {sinceStart:F0} ms)
              head                            {snapshot.Head.Seq} {snapshot.Head.Hash}
              verified                        {(snapshot.IsReadOnly ? "NO: " + snapshot.IntegrityProblem : "yes")}
              read model                      {snapshot.Incidents.Count:N0} incidents, {snapshot.Maintenances.Count:N0} maintenances, {snapshot.PostOwners.Count:N0} posts
              after full GC                   VmRSS {memory.RssKb / 1024.0:F1} MB, VmHWM (peak) {memory.HwmKb / 1024.0:F1} MB, managed heap {heapBytes / 1048576.0:F1} MB
              managed heap, store released    {modelBytes / 1048576.0:F1} MB (the read model alone; the rest above is LiteDB)
              GC committed                    {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F1} MB ({GC.GetGCMemoryInfo().FragmentedBytes / 1048576.0:F1} MB fragmented); outside the GC heap {(memory.RssKb * 1024 - GC.GetGCMemoryInfo().TotalCommittedBytes) / 1048576.0:F1} MB
            """));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT load_ms={loadMs:F0} open_ms={openMs:F0} process_ms={processMs:F0} gc_pause_ms={gcPauseMs:F0} jit_ms={jitMs:F0} entries={snapshot.Head.Seq} " +
            $"head={snapshot.Head.Hash} vmrss_kb={memory.RssKb} vmhwm_kb={memory.HwmKb} heap_kb={heapBytes / 1024} " +
            $"model_kb={modelBytes / 1024} cpu_ms={ProcessCpuMs():F0} verified={!snapshot.IsReadOnly}"));
        GC.KeepAlive(snapshot);
        return snapshot.IsReadOnly ? 1 : 0;
    }

    private sealed record LoadRun(StatusSnapshot Snapshot, double OpenMs, double LoadMs, double ProcessMs, double GcPauseMs,
        int Gen0, int Gen2, long HeapBytes, (long RssKb, long HwmKb) Memory, double JitMs, long JitMethods);

    // Measures with the store open, as the server runs; returns only the snapshot so the caller can weigh it alone.
    private static LoadRun LoadOnce(string dataPath)
    {
        var watch = Stopwatch.StartNew();
        using var store = new LedgerStore(dataPath);
        var openMs = watch.Elapsed.TotalMilliseconds;
        using var ledger = new LedgerService(store, TimeProvider.System, BenchLog(dataPath), NullLogger<LedgerService>.Instance);
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen0Before = GC.CollectionCount(0);
        var gen2Before = GC.CollectionCount(2);
        using var gcReasons = new GcReasons { Recording = true };
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        watch.Restart();
        ledger.Load();
        var loadMs = watch.Elapsed.TotalMilliseconds;
        gcReasons.Recording = false;
        Console.WriteLine($"  GC starts during Load(): {gcReasons.Summary()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  allocated during Load(): {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0:F0} MB"));
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore, System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore);
        var processMs = SinceProcessStart();
        var gcPauseMs = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
        var gen0 = GC.CollectionCount(0) - gen0Before;
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var peakBeforeCollectKb = ReadProcStatus().HwmKb;
        // As the server does once it answers (outside the timed start-up).
        LedgerService.ReturnReplayMemory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  VmHWM (peak) at the end of Load(), before the compacting collection: {peakBeforeCollectKb / 1024.0:F1} MB"));
        var (heapBytes, memory) = AfterFullGc();
        return new LoadRun(ledger.Current, openMs, loadMs, processMs, gcPauseMs, gen0, gen2, heapBytes, memory, jit.Item1.TotalMilliseconds, jit.Item2);
    }

    // The phases Load() interleaves, run one after the other over a materialised list; twice, as the first pass also pays
    // for JIT compilation and first-use initialisation (what a real start-up pays too).
    private static int Profile(string dataPath)
    {
        using var store = new LedgerStore(dataPath);
        var failed = false;
        foreach (var pass in new[] { "cold", "warm" })
        {
            GC.Collect();
            var gcPause = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            Lap(watch);
            var entries = store.ReadAll().ToList();
            var readMs = Lap(watch);
            var readMb = LapAllocatedMb;
            var hashes = 0;
            foreach (var entry in entries)
            {
                hashes += entry.ComputeHash() == entry.Hash ? 1 : 0;
            }
            var hashMs = Lap(watch);
            var hashMb = LapAllocatedMb;
            var bodies = 0;
            foreach (var entry in entries)
            {
                bodies += entry.Body is null ? 0 : LedgerEntry.Sha256Hex(entry.Body).Length / 64;
            }
            var bodyMs = Lap(watch);
            var bodyMb = LapAllocatedMb;
            var payloads = 0;
            foreach (var entry in entries)
            {
                payloads += PayloadJson.Deserialize(entry.Kind, entry.Payload) is null ? 0 : 1;
            }
            var jsonMs = Lap(watch);
            var jsonMb = LapAllocatedMb;
            var problem = ChainVerifier.VerifyAll(entries, out var head);
            var verifyMs = Lap(watch);
            var verifyMb = LapAllocatedMb;
            var snapshot = Replay(entries);
            var projectMs = Lap(watch);
            var projectMb = LapAllocatedMb;
            var gcPauseMs = (GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds;
            var (heapBytes, memory) = AfterFullGc();
            failed |= problem is not null;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"""
                profile ({pass}): {dataPath}, {entries.Count:N0} entries ({hashes:N0} hashes match, {payloads:N0} payloads, {bodies:N0} bodies)
                  LiteDB read + map (ReadAll)      {readMs,8:F0} ms {readMb,7:F0} MB allocated
                  entry hash (netstrings+SHA-256)  {hashMs,8:F0} ms {hashMb,7:F0} MB allocated
                  body SHA-256                     {bodyMs,8:F0} ms {bodyMb,7:F0} MB allocated
                  payload JSON deserialize         {jsonMs,8:F0} ms {jsonMb,7:F0} MB allocated
                  ChainVerifier.VerifyAll (all 3)  {verifyMs,8:F0} ms {verifyMb,7:F0} MB allocated   -> {(problem is null ? "OK" : problem.ToString())}, head {head.Seq}
                  Projection.Apply (replay)        {projectMs,8:F0} ms {projectMb,7:F0} MB allocated   -> {snapshot.Incidents.Count:N0} incidents (includes a 2nd payload JSON parse)
                  GC pauses in this pass           {gcPauseMs,8:F0} ms
                  after full GC (list still held)  VmRSS {memory.RssKb / 1024.0:F1} MB, VmHWM {memory.HwmKb / 1024.0:F1} MB, managed heap {heapBytes / 1048576.0:F1} MB
                """));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT pass={pass} read_ms={readMs:F0} hash_ms={hashMs:F0} body_ms={bodyMs:F0} json_ms={jsonMs:F0} verify_ms={verifyMs:F0} " +
                $"project_ms={projectMs:F0} gc_pause_ms={gcPauseMs:F0} entries={entries.Count}"));
            GC.KeepAlive(snapshot);
        }
        // Where the read model's memory goes: the same replay with and without the Markdown bodies (Post.Body).
        var baseline = AfterFullGc().HeapBytes;
        var model = Replay(store.ReadAll());
        var withBodies = AfterFullGc().HeapBytes - baseline;
        GC.KeepAlive(model);
        model = null;
        baseline = AfterFullGc().HeapBytes;
        var bare = Replay(store.ReadAll().Select(e => e with { Body = null }));
        var withoutBodies = AfterFullGc().HeapBytes - baseline;
        GC.KeepAlive(bare);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
            read model memory (managed heap it adds)
              with bodies                      {withBodies / 1048576.0,8:F1} MB
              without bodies                   {withoutBodies / 1048576.0,8:F1} MB   (so bodies cost {(withBodies - withoutBodies) / 1048576.0:F1} MB)
            """));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT pass=memory model_kb={withBodies / 1024} model_without_bodies_kb={withoutBodies / 1024}"));
        return failed ? 1 : 0;
    }

    // The projection half of LedgerService.Load(): one builder for the whole replay, frozen once.
    private static StatusSnapshot Replay(IEnumerable<LedgerEntry> entries)
    {
        var builder = new SnapshotBuilder(StatusSnapshot.Empty);
        foreach (var entry in entries)
        {
            Projection.Apply(builder, entry);
        }
        return builder.ToSnapshot();
    }

    // Milliseconds since the last lap; the bytes allocated meanwhile go to LapAllocatedMb (garbage is what drives GC time).
    private static double Lap(Stopwatch watch)
    {
        var ms = watch.Elapsed.TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        LapAllocatedMb = (allocated - _allocatedAtLap) / 1048576.0;
        _allocatedAtLap = allocated;
        watch.Restart();
        return ms;
    }

    private static long _allocatedAtLap;

    private static double LapAllocatedMb { get; set; }

    private static double SinceProcessStart()
    {
        using var self = Process.GetCurrentProcess();
        return (DateTime.Now - self.StartTime).TotalMilliseconds;
    }

    // User + system CPU of this whole process so far (the script compares it with the machine's, to see other load).
    private static double ProcessCpuMs()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalMilliseconds;
    }

    private static double FileSizeMb(string path) => new FileInfo(path).Length / 1048576.0;

    private static (long HeapBytes, (long RssKb, long HwmKb) Memory) AfterFullGc()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return (GC.GetTotalMemory(forceFullCollection: false), ReadProcStatus());
    }

    // VmRSS: resident now; VmHWM: the peak resident size of the process so far.
    private static (long RssKb, long HwmKb) ReadProcStatus()
    {
        long rss = -1, hwm = -1;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = ParseKb(line);
            }
        }
        return (rss, hwm);
    }

    private static long ParseKb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private sealed record Options(string? Data, long Entries, int Seed)
    {
        public static Options Parse(IEnumerable<string> args)
        {
            var options = new Options(null, 100_000, 20_260_101);
            using var e = args.GetEnumerator();
            while (e.MoveNext())
            {
                var name = e.Current;
                if (!e.MoveNext())
                {
                    throw new ArgumentException($"{name} needs a value");
                }
                options = name switch
                {
                    "--data" => options with { Data = e.Current },
                    "--entries" => options with { Entries = long.Parse(e.Current, CultureInfo.InvariantCulture) },
                    "--seed" => options with { Seed = int.Parse(e.Current, CultureInfo.InvariantCulture) },
                    _ => throw new ArgumentException($"unknown option {name}"),
                };
            }
            return options;
        }
    }

    // ReadModelSnapshot.TryReadAsync alone, cold (the first read in a process pays the JIT, as a server's start does) then warm.
    private static async Task<int> ReadSnapshotAsync(string dataPath)
    {
        var path = ReadModelSnapshot.PathBeside(dataPath);
        double coldMs = 0, warmMs = 0;
        long live = 0;
        foreach (var pass in new[] { "cold", "warm" })
        {
            var gcPause = GC.GetTotalPauseDuration();
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var read = await ReadModelSnapshot.TryReadAsync(path);
            watch.Stop();
            if (read is null)
            {
                Console.Error.WriteLine($"{path}: no snapshot of the current format");
                return 1;
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            live = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(read);
            (pass == "cold" ? ref coldMs : ref warmMs) = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine($"{pass}: {watch.Elapsed.TotalMilliseconds,8:F0} ms, GC paused {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:F0} ms, " +
                $"JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F0} ms, " +
                $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:F0} MB, " +
                $"entry {read.Seq:N0}, {read.Model.Incidents.Count:N0} incidents, managed heap after a full GC {live / 1048576.0:F1} MB");
        }
        Console.WriteLine($"RESULT cold_ms={coldMs:F0} warm_ms={warmMs:F0} live_mb={live / 1048576.0:F1} " +
            $"vmhwm_kb={ReadProcStatus().HwmKb}");
        return 0;
    }

    // The transparency log's costs on this ledger: building the tree from every entry hash (what a replay adds), its managed
    // memory, signing a checkpoint at the head (what every append adds), and the sizes of what clients download.
    private static int Transparency(string dataPath)
    {
        List<string> hashes;
        using (var store = new LedgerStore(dataPath))
        {
            hashes = [.. store.ReplayAll().Select(e => e.Hash)];
        }
        var log = BenchLog(dataPath + ".bench");
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        foreach (var hash in hashes)
        {
            log.AddLeaf(hash);
        }
        var treeMs = watch.Elapsed.TotalMilliseconds;
        var treeBytes = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        var signMicroseconds = new List<double>();
        var checkpoint = log.Sign();
        for (var i = 0; i < 1000; i++)
        {
            watch.Restart();
            checkpoint = log.Sign();
            signMicroseconds.Add(watch.Elapsed.TotalMicroseconds);
        }
        signMicroseconds.Sort();
        var size = log.Tree.Size;
        var inclusion = new TransparencyEndpoints.InclusionProof(size / 2 + 1, size, size / 2, hashes[(int)(size / 2)],
            [.. log.Tree.InclusionProof(size / 2, size).Select(Convert.ToBase64String)]);
        var consistency = new TransparencyEndpoints.ConsistencyProof(size / 3, size,
            [.. log.Tree.ConsistencyProof(size / 3, size).Select(Convert.ToBase64String)]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"entries {size}: tree built in {treeMs:F0} ms, {treeBytes / 1048576.0:F1} MB managed; sign at head median " +
            $"{signMicroseconds[500]:F0} µs (p99 {signMicroseconds[990]:F0} µs); checkpoint note {System.Text.Encoding.UTF8.GetByteCount(checkpoint.Note)} B; " +
            $"inclusion proof {inclusion.Hashes.Count} hashes, {System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(inclusion, TransparencyEndpoints.Json).Length} B JSON; " +
            $"consistency proof {consistency.Hashes.Count} hashes, {System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(consistency, TransparencyEndpoints.Json).Length} B JSON"));
        File.Delete(TransparencyKeyFile.DefaultPath(dataPath + ".bench"));
        return 0;
    }

    // The transparency log with its key beside the bench's data file, as the server keeps it.
    private static TransparencyLog BenchLog(string dataPath) =>
        new(new TransparencyKeyFile(TransparencyKeyFile.DefaultPath(dataPath), () => "bench.example/ledger"));
}
