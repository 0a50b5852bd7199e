using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

// A real subscriber: Debian's newsboat (installed by test.sh) reloads the feeds headless from a real Kestrel port.
public sealed class NewsboatTests : IDisposable
{
    private const string OpenIncident = "2026-11-23-query-latency-long-range";

    private readonly string _home = Directory.CreateTempSubdirectory("statuspage-newsboat-").FullName;

    [Fact]
    public async Task Newsboat_shows_one_item_per_update_and_a_new_update_adds_one_item_without_changing_the_others()
    {
        Assert.True(File.Exists("/usr/bin/newsboat"), "newsboat is missing: run ./test.sh");
        await using var factory = new StatusPageFactory(kestrel: true);
        factory.StartServer();
        var baseAddress = factory.ListeningAddress();
        var ledger = factory.Services.GetRequiredService<LedgerService>();
        var incidentFeed = new Uri(baseAddress, $"incidents/{OpenIncident}/history.atom").AbsoluteUri;
        var siteFeed = new Uri(baseAddress, "history.rss").AbsoluteUri;
        // Two subscribers, each with its own cache: newsboat treats a guid as one article across all the feeds of a cache.
        await File.WriteAllLinesAsync(Path.Combine(_home, "incident.urls"), [incidentFeed]);
        await File.WriteAllLinesAsync(Path.Combine(_home, "site.urls"), [siteFeed]);
        await File.WriteAllTextAsync(Path.Combine(_home, "config"), "");

        await Reload("incident");
        await Reload("site");
        List<Item> before = [.. await Items("incident"), .. await Items("site")];
        var posted = await ledger.AppendAsync(new PostUpdate(OpenIncident, IncidentStatus.Monitoring, "Latency is back to normal.",
            ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add("query-api", ComponentStatus.Operational)), "tester");
        await Reload("incident");
        await Reload("site");
        List<Item> after = [.. await Items("incident"), .. await Items("site")];

        var posts = ledger.Current.Incidents[OpenIncident].AllPosts;
        Assert.True(posted.Succeeded);
        Assert.Equal(posts.Count - 1, before.Count(i => i.Feed == incidentFeed));
        Assert.Equal(50, before.Count(i => i.Feed == siteFeed));
        Assert.Equal(posts.Count, after.Count(i => i.Feed == incidentFeed));
        var added = Assert.Single(after.Except(before), i => i.Feed == incidentFeed);
        Assert.Equal($"https://status.tidewater.example/incidents/{OpenIncident}#update-{posted.Entries[0].Id}", added.Guid);
        Assert.Equal("[Monitoring] Elevated query latency for long-range queries", added.Title);
        Assert.Empty(before.Where(i => i.Feed == incidentFeed).Except(after));
        Assert.Contains(after, i => i.Feed == siteFeed && i.Guid == added.Guid);
        Assert.All(after.GroupBy(i => i.Feed), feed => Assert.Equal(feed.Count(), feed.Select(i => i.Guid).Distinct().Count()));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private sealed record Item(string Feed, string Guid, string Title, long PubDate, string Content);

    private async Task Reload(string subscriber)
    {
        var (exitCode, _, stderr) = await Run("/usr/bin/newsboat", "-u", subscriber + ".urls", "-c", subscriber + ".db", "-C", "config",
            "-x", "reload");
        Assert.True(exitCode == 0, $"newsboat exited {exitCode}: {stderr}");
    }

    // newsboat keeps what it fetched in its SQLite cache; read it back with Debian's Python.
    private async Task<List<Item>> Items(string subscriber)
    {
        const string script = """
            import json, sqlite3
            import sys
            c = sqlite3.connect(sys.argv[1])
            rows = c.execute("select feedurl, guid, title, pubDate, content from rss_item order by id").fetchall()
            print(json.dumps([{"feed": r[0], "guid": r[1], "title": r[2], "pub_date": r[3], "content": r[4]} for r in rows]))
            """;
        var (exitCode, stdout, stderr) = await Run("/usr/bin/python3", "-c", script, subscriber + ".db");
        Assert.True(exitCode == 0, $"reading the newsboat cache failed: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return [.. json.RootElement.EnumerateArray().Select(e => new Item(e.GetProperty("feed").GetString()!,
            e.GetProperty("guid").GetString()!, e.GetProperty("title").GetString()!, e.GetProperty("pub_date").GetInt64(),
            e.GetProperty("content").GetString()!))];
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = _home,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["HOME"] = _home;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

}
