using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.Feeds;
using StatusPage.Server.History;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Http;

// What subscribers already keep becomes evidence: feeds, page footers and the verify page carry the signed checkpoint,
// checked with the published key, by .NET, by Debian's feedparser and by newsboat over a real Kestrel port.
public sealed partial class WitnessTests(WitnessTests.Server server) : IClassFixture<WitnessTests.Server>
{
    private const string RebootIncident = "2026-08-19-fra1-region-reboot";
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Tlog = FeedCheckpoint.Namespace;
    private static readonly string[] SiteFeeds = ["history.atom", "history.rss"];

    private readonly HttpClient _client = server.Client;

    public sealed class Server : IDisposable
    {
        private readonly StatusPageFactory _factory = new(kestrel: true);

        public Server()
        {
            _factory.StartServer();
            Address = _factory.ListeningAddress();
            Client = new HttpClient { BaseAddress = Address };
        }

        public Uri Address { get; }

        public HttpClient Client { get; }

        public LedgerService Ledger => _factory.Services.GetRequiredService<LedgerService>();

        // The first checkpoint that includes what `path` shows (issue 15), and the entry it names.
        internal CoveringCheckpoints.Anchor Covering(string path) => _factory.Services.GetRequiredService<CoveringCheckpoints>()
            .For(ContentVersions.Of(Ledger.Current).SeqFor(path))!;

        public void Dispose()
        {
            Client.Dispose();
            _factory.Dispose();
        }
    }

    [Theory]
    [InlineData("/history.atom")]
    [InlineData("/history.rss")]
    [InlineData("/components/private-network/history.atom")]
    [InlineData("/incidents/" + RebootIncident + "/history.rss")]
    public async Task Every_feed_carries_the_checkpoint_that_includes_its_content_signed_by_the_published_key_and_links_the_newest(string path)
    {
        var (_, verifier) = await LatestCheckpoint();
        var covering = server.Covering(path);
        var checkpoint = covering.Checkpoint.Note;
        var feed = XDocument.Parse(await Get(path)).Root!;

        var carried = Assert.Single(feed.Descendants(Tlog + "checkpoint")).Value;
        var link = Assert.Single(feed.Descendants(Atom + "link"), l => l.Attribute("rel")?.Value == FeedCheckpoint.Namespace);

        Assert.Equal(checkpoint, carried);
        var opened = SignedCheckpoint.Open(carried, verifier);
        Assert.NotNull(opened);
        Assert.True(opened.Size >= covering.Seq && opened.Size <= server.Ledger.Current.Head.Seq, $"size {opened.Size}, content at {covering.Seq}");
        Assert.Equal("https://status.tidewater.example/api/v1/ledger/checkpoint", link.Attribute("href")?.Value);
        Assert.Equal("text/plain", link.Attribute("type")?.Value);
    }

    [Fact]
    public async Task Every_item_names_the_tree_its_entry_entered_with_the_root_recomputed_from_the_public_ledger()
    {
        var entries = await _client.Ledger();
        var tree = new MerkleTree();
        foreach (var entry in entries)
        {
            tree.Append(Convert.FromHexString(entry.Hash));
        }
        var feed = XDocument.Parse(await Get("/history.atom")).Root!;
        var contents = feed.Elements(Atom + "entry").Select(e => e.Element(Atom + "content")!.Value).ToList();

        Assert.Equal(50, contents.Count);
        Assert.All(contents, content =>
        {
            var line = ItemLine().Match(content);
            Assert.True(line.Success, "no tree line in " + content);
            var seq = long.Parse(line.Groups["seq"].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(line.Groups["seq"].Value, line.Groups["size"].Value);
            Assert.Equal(Convert.ToBase64String(tree.Root(seq)), line.Groups["root"].Value);
        });
    }

    [Theory]
    [InlineData("/history.atom")]
    [InlineData("/history.rss")]
    public async Task Debian_feedparser_reads_the_feed_without_a_bozo_and_sees_the_checkpoint_and_its_link(string path)
    {
        var checkpoint = server.Covering(path).Checkpoint.Note;
        const string script = """
            import json, sys, feedparser
            d = feedparser.parse(sys.stdin.buffer.read())
            print(json.dumps({"bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")),
                              "checkpoint": d.feed.get("tlog_checkpoint", ""),
                              "links": [l.get("rel", "") + " " + l.get("href", "") for l in d.feed.get("links", [])],
                              "entries": len(d.entries)}))
            """;

        var (exitCode, stdout, stderr) = await Run("/usr/bin/python3", await _client.GetByteArrayAsync(new Uri(path, UriKind.Relative)),
            "-c", script);

        Assert.True(exitCode == 0, "feedparser failed: " + stderr);
        using var parsed = JsonDocument.Parse(stdout);
        var root = parsed.RootElement;
        Assert.True(root.GetProperty("bozo").GetInt32() == 0, root.GetProperty("error").GetString());
        Assert.Equal(50, root.GetProperty("entries").GetInt32());
        Assert.Equal(checkpoint.Trim(), root.GetProperty("checkpoint").GetString()!.Trim());
        Assert.Contains($"{FeedCheckpoint.Namespace} https://status.tidewater.example/api/v1/ledger/checkpoint",
            root.GetProperty("links").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Newsboat_accepts_the_feeds_and_keeps_the_tree_line_in_every_item()
    {
        Assert.True(File.Exists("/usr/bin/newsboat"), "newsboat is missing: run ./test.sh");
        var home = Directory.CreateTempSubdirectory("statuspage-witness-newsboat-").FullName;
        try
        {
            // One cache per feed: newsboat treats a guid as one article across all the feeds of a cache.
            foreach (var feed in SiteFeeds)
            {
                var url = new Uri(server.Address, feed).AbsoluteUri;
                await File.WriteAllLinesAsync(Path.Combine(home, feed + ".urls"), [url]);
                await File.WriteAllTextAsync(Path.Combine(home, "config"), "");

                var reload = await RunIn(home, "/usr/bin/newsboat", null, "-u", feed + ".urls", "-c", feed + ".db", "-C", "config", "-x", "reload");
                var read = await RunIn(home, "/usr/bin/python3", null, "-c",
                    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); " +
                    "print(json.dumps(c.execute('select feedurl, content from rss_item').fetchall()))", feed + ".db");

                Assert.True(reload.ExitCode == 0, "newsboat: " + reload.Stderr);
                Assert.True(read.ExitCode == 0, read.Stderr);
                using var items = JsonDocument.Parse(read.Stdout);
                var rows = items.RootElement.EnumerateArray().Select(r => (Feed: r[0].GetString()!, Content: r[1].GetString()!)).ToList();
                Assert.Equal(50, rows.Count);
                Assert.All(rows, r => Assert.Equal(url, r.Feed));
                Assert.All(rows, r => Assert.Matches(ItemLine(), r.Content));
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/history")]
    [InlineData("/incidents/" + RebootIncident)]
    public async Task Every_public_page_footer_shows_the_signed_tree_size_and_root_and_links_the_verify_page(string path)
    {
        // The home page and the archive show everything current: the newest checkpoint; an incident the first one including it.
        var checkpoint = server.Covering(path).Checkpoint;
        Assert.Equal(path == "/" || path == "/history", checkpoint.Size == server.Ledger.Transparency.Latest!.Size);
        var html = await Get(path);

        Assert.Contains($"signed tree size {checkpoint.Size}, root <span class=\"root\">{checkpoint.Checkpoint.RootBase64[..10]}</span>",
            WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("<a href=\"/verify\">Verify this history</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verify_page_shows_the_key_the_checkpoint_the_keys_and_how_to_check()
    {
        var (checkpoint, verifier) = await LatestCheckpoint();
        var html = WebUtility.HtmlDecode(await Get("/verify"));

        Assert.Contains("<h1>Verify this history</h1>", html, StringComparison.Ordinal);
        Assert.Contains(verifier.ToString(), html, StringComparison.Ordinal);
        Assert.Contains(checkpoint, html, StringComparison.Ordinal);
        Assert.Contains($"<td>{verifier.Name}</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<code>{verifier.KeyId:x8}</code>", html, StringComparison.Ordinal);
        Assert.Matches($"<td>\\d+ – {server.Ledger.Transparency.Latest!.Size}</td>", html);
        Assert.Contains("curl -s https://status.tidewater.example/api/v1/ledger/checkpoint", html, StringComparison.Ordinal);
        Assert.Contains("statuspage monitor https://status.tidewater.example/ --state", html, StringComparison.Ordinal);
        Assert.Contains("*/15 * * * *", html, StringComparison.Ordinal);
        Assert.Contains("statuspage verify --checkpoint checkpoint.txt ledger.ndjson", html, StringComparison.Ordinal);
        Assert.Contains("proof.json", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verify_page_is_in_french_for_a_french_reader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/verify", UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var html = WebUtility.HtmlDecode(await (await _client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains("<h1>Vérifier cet historique</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Clé de vérification", html, StringComparison.Ordinal);
        Assert.Contains("arbre signé de taille", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/incidents/" + RebootIncident)]
    [InlineData("/maintenance/2026-10-06-switch-firmware-fra1")]
    public async Task Incident_and_maintenance_pages_link_their_proof_json_which_answers(string path)
    {
        var html = await Get(path);
        var proof = path + "/proof.json";

        Assert.Contains($"<a href=\"{proof}\">", html, StringComparison.Ordinal);
        var response = await _client.GetAsync(new Uri(proof, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_incident_print_view_names_its_proof_json()
    {
        var html = await Get("/incidents/" + RebootIncident);

        Assert.Matches($"<p class=\"print-note\">[^<]*proof.json: /incidents/{RebootIncident}/proof.json</p>", html);
    }

    private async Task<string> Get(string path)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<(string Checkpoint, NoteVerifier Verifier)> LatestCheckpoint()
    {
        var checkpoint = await Get("/api/v1/ledger/checkpoint");
        Assert.True(NoteVerifier.TryParse((await Get("/api/v1/ledger/key")).Trim(), out var verifier), "the published key does not parse");
        return (checkpoint, verifier!);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Run(string program, byte[]? stdin, params string[] arguments) =>
        RunIn(Path.GetTempPath(), program, stdin, arguments);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunIn(string directory, string program, byte[]? stdin,
        params string[] arguments)
    {
        Assert.True(File.Exists(program), program + " is missing: run ./test.sh");
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = directory;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"Ledger entry #(?<seq>\d+) · tree size (?<size>\d+), root (?<root>[A-Za-z0-9+/]{43}=)")]
    private static partial Regex ItemLine();
}
