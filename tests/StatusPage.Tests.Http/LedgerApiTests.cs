using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LiteDB;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

public sealed class LedgerApiTests
{
    private sealed record Head(long Seq, string Hash, bool Verified, string? Problem);

    private static async Task<List<LedgerEntry>> ReadLedger(HttpClient client, string query = "")
    {
        var response = await client.GetAsync(new Uri("/api/v1/ledger" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => LedgerLine.Parse(line).ToEntry())];
    }

    private static Task<Head?> ReadHead(HttpClient client) =>
        client.GetFromJsonAsync<Head>(new Uri("/api/v1/ledger/head", UriKind.Relative), Json);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
    };

    [Fact]
    public async Task The_published_ledger_verifies_independently_and_ends_at_the_published_head()
    {
        using var factory = new StatusPageFactory();
        var client = factory.CreateClient();

        var head = await ReadHead(client);
        var entries = await ReadLedger(client);

        Assert.NotNull(head);
        Assert.True(head.Verified);
        Assert.Null(ChainVerifier.VerifyAll(entries, out var verifiedHead));
        Assert.Equal(head.Seq, entries.Count);
        Assert.Equal(head.Hash, verifiedHead.Hash);
        Assert.True(entries.Count > 150);
    }

    [Fact]
    public async Task The_ledger_pages_by_sequence_number()
    {
        using var factory = new StatusPageFactory();
        var client = factory.CreateClient();

        var page = await ReadLedger(client, "?after=10&limit=5");

        Assert.Equal([11L, 12, 13, 14, 15], page.Select(e => e.Seq));
    }

    [Theory]
    [InlineData("?after=-1")]
    [InlineData("?limit=0")]
    [InlineData("?limit=10001")]
    public async Task Bad_paging_is_a_problem_response(string query)
    {
        using var factory = new StatusPageFactory();
        var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/api/v1/ledger" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Restarting_on_the_same_data_file_appends_nothing_and_keeps_the_head()
    {
        Head? first;
        var dataDir = Directory.CreateTempSubdirectory("statuspage-restart-").FullName;
        using (var factory = new StatusPageFactory(dataDir: dataDir))
        {
            first = await ReadHead(factory.CreateClient());
        }
        using var again = new StatusPageFactory(dataDir: dataDir);

        var second = await ReadHead(again.CreateClient());

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_tampered_data_file_is_served_read_only_with_a_visible_warning()
    {
        // The history is written and closed by the ledger itself, then one stored body is edited behind its back.
        string dataDir;
        using (var ledger = TestLedger.Create())
        {
            dataDir = Directory.CreateTempSubdirectory("statuspage-tamper-").FullName;
            ledger.Ok(new OpenIncident("inc-1", "Errors", Impact.Minor, IncidentStatus.Investigating, "Looking into it.",
                System.Collections.Immutable.ImmutableSortedDictionary<string, ComponentStatus>.Empty));
            ledger.Close();
            File.Copy(ledger.DataPath, Path.Combine(dataDir, "statuspage.db"));
        }
        using (var db = new LiteDatabase(Path.Combine(dataDir, "statuspage.db")))
        {
            var doc = db.GetCollection("ledger").FindById(7);
            doc["Body"] = doc["Body"].AsString + " (edited later)";
            db.GetCollection("ledger").Update(doc);
        }
        using var tampered = new StatusPageFactory(dataDir: dataDir);
        var client = tampered.CreateClient();

        var head = await ReadHead(client);
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.NotNull(head);
        Assert.False(head.Verified);
        Assert.Equal(6, head.Seq);
        Assert.Contains("entry 7", head.Problem, StringComparison.Ordinal);
        Assert.Contains("History verification failed", html, StringComparison.Ordinal);
        Assert.Contains("entry 7", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_server_through_a_hard_link_in_another_folder_is_refused_because_the_lock_is_on_the_file_itself()
    {
        using var first = new StatusPageFactory();
        await ReadHead(first.CreateClient());
        var otherDir = Directory.CreateTempSubdirectory("statuspage-hardlink-").FullName;
        try
        {
            var linked = Path.Combine(otherDir, "statuspage.db");
            using (var ln = Process.Start("ln", [first.DataPath, linked]))
            {
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
            }
            Assert.Equal(first.DataPath, Path.GetFullPath(first.DataPath));
            Assert.NotEqual(Path.GetDirectoryName(first.DataPath), Path.GetDirectoryName(linked));

            await AssertSecondServerIsRefused(linked, "the second server, on a hard link to the first one's data file, kept running");
            Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync(new Uri("/api/v1/ledger/head", UriKind.Relative))).StatusCode);
        }
        finally
        {
            Directory.Delete(otherDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_server_process_on_the_same_data_file_fails_fast_with_a_clear_message()
    {
        using var factory = new StatusPageFactory();
        await ReadHead(factory.CreateClient());

        await AssertSecondServerIsRefused(factory.DataPath, "the second server kept running");
    }

    // A second server process on dataPath must exit 1 at once, saying the file is in use.
    private static async Task AssertSecondServerIsRefused(string dataPath, string keptRunning)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { TestPaths.ServerDll, $"--StatusPage:DataPath={dataPath}", "--urls", "http://127.0.0.1:0" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var second = Process.Start(start)!;
        var error = second.StandardError.ReadToEndAsync();
        var exited = second.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited)
        {
            second.Kill(entireProcessTree: true);
        }

        Assert.True(exited, keptRunning);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already in use by another StatusPage process", await error, StringComparison.Ordinal);
    }
}
