using System.Net;
using StatusPage.Server.Cli;

namespace StatusPage.Tests.Http;

// A real demo data file, damaged byte by byte as a failing disk or a bad copy would: the public page stays up read-only with
// the warning, writes are refused, and `verify` exits 1 naming the first entry it could not read or verify.
public sealed class CorruptDataFileTests(CorruptDataFileTests.DemoDataFile demo) : IClassFixture<CorruptDataFileTests.DemoDataFile>
{
    private const int PageSize = 8192;

    public static TheoryData<string> Damages =>
    [
        "flip a byte a quarter into a data page", "flip a byte half-way into a data page", "flip a byte three quarters into a data page",
        "flip the first block header of a data page", "flip the page type of a data page", "zero a data page", "zero the header page",
        "truncate the file to half",
    ];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_corrupt_data_file_is_served_read_only_with_the_warning_and_verify_names_where_it_failed(string damage)
    {
        var dir = Directory.CreateTempSubdirectory("statuspage-corrupt-").FullName;
        try
        {
            var dataPath = Path.Combine(dir, "statuspage.db");
            File.Copy(demo.DataPath, dataPath);
            Damage(dataPath, damage);
            var damaged = File.ReadAllBytes(dataPath);

            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = CommandLine.Run(["verify", $"--StatusPage:DataPath={dataPath}"], output, error);

            Assert.True(exit == 1, $"verify exited {exit}; out: {output}; err: {error}");
            Assert.Matches(@"FAILED: .*first bad entry is entry \d+", error.ToString());

            using (var server = WriteApiServer.OnDataDir(dir))
            {
                var client = server.Client();
                var home = await client.GetAsync(Api.Url("/"));
                var html = await home.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, home.StatusCode);
                Assert.Contains("History verification failed", html, StringComparison.Ordinal);
                var head = await (await client.GetAsync(Api.Url("/api/v1/ledger/head"))).Json();
                Assert.False(head.GetProperty("verified").GetBoolean());
                Assert.Matches(@"entry \d+", head.GetProperty("problem").GetString());

                var write = await client.Post("/api/v1/incidents", Api.NewIncident("On a corrupt file"));
                Assert.True((int)write.StatusCode is 401 or 503, $"expected a refusal, got {(int)write.StatusCode}");
                Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
                Assert.Equal(head.GetProperty("seq").GetInt64(), await client.HeadSeq());
            }
            // Read-only means the damaged file is left exactly as it was found, for whoever investigates it.
            Assert.Equal(damaged, File.ReadAllBytes(dataPath));
            // A LiteDB transaction left behind by the damage would throw in its finalizer and end the whole process here.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Damage(string path, string damage)
    {
        var bytes = File.ReadAllBytes(path);
        // The ledger's data pages: LiteDB page type 4 (data), of the collection that owns most of them.
        var dataPages = Enumerable.Range(0, bytes.Length / PageSize).Where(p => bytes[(p * PageSize) + 4] == 4).ToList();
        var ledgerCollection = dataPages.GroupBy(p => BitConverter.ToUInt32(bytes, (p * PageSize) + 19)).MaxBy(g => g.Count())!.Key;
        var ledgerPages = dataPages.Where(p => BitConverter.ToUInt32(bytes, (p * PageSize) + 19) == ledgerCollection).ToList();
        Assert.True(ledgerPages.Count >= 4, $"the demo file has only {ledgerPages.Count} ledger data pages");
        var page = ledgerPages[ledgerPages.Count / 2] * PageSize;
        var used = BitConverter.ToUInt16(bytes, page + 28) - 32; // next free position, after the 32-byte page header
        switch (damage)
        {
            case "flip a byte a quarter into a data page":
                bytes[page + 32 + (used / 4)] ^= 0xFF;
                break;
            case "flip a byte half-way into a data page":
                bytes[page + 32 + (used / 2)] ^= 0xFF;
                break;
            case "flip a byte three quarters into a data page":
                bytes[page + 32 + (used * 3 / 4)] ^= 0xFF;
                break;
            case "flip the first block header of a data page":
                bytes[page + 32] ^= 0xFF;
                bytes[page + 33] ^= 0xFF;
                break;
            case "flip the page type of a data page":
                bytes[page + 4] ^= 0xFF;
                break;
            case "zero a data page":
                Array.Clear(bytes, page, PageSize);
                break;
            case "zero the header page":
                Array.Clear(bytes, 0, PageSize);
                break;
            case "truncate the file to half":
                bytes = bytes[..(bytes.Length / 2)];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage");
        }
        File.WriteAllBytes(path, bytes);
    }

    // The demo site's data file, written once by the real server and closed (everything checkpointed into the one file).
    public sealed class DemoDataFile : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("statuspage-demo-file-").FullName;

        public DemoDataFile()
        {
            using (var server = WriteApiServer.OnDataDir(_dir))
            {
                server.Client().CreateIncident("Before the damage").GetAwaiter().GetResult();
            }
            // Everything into the data file itself, so the damage below is not masked by a newer copy of a page in the log.
            using (var db = new LiteDB.LiteDatabase(DataPath))
            {
                db.Checkpoint();
            }
            Assert.False(File.Exists(Path.Combine(_dir, "statuspage-log.db")), "the closed demo file still has a write-ahead log");
        }

        public string DataPath => Path.Combine(_dir, "statuspage.db");

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
