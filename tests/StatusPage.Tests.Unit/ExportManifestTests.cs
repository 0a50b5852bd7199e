using System.Text;
using StatusPage.Server.StaticExport;
using StatusPage.Server.Transparency;

namespace StatusPage.Tests.Unit;

// The export's manifest as the automatic publish reads it after every post: from memory while the file is the one last read or
// written, from the file as soon as anything else changed it.
public sealed class ExportManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("statuspage-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_manifest_is_read_from_memory_while_unchanged_and_from_the_file_once_another_writer_changed_it()
    {
        var path = Path.Combine(_dir, SiteExporter.ManifestName);
        Assert.Null(ExportManifest.Load(path));

        File.WriteAllBytes(path, ExportManifest.Write([Entry("index.html", "aa")], renderer: "r1"));
        var first = ExportManifest.Load(path)!;
        Assert.Equal("r1", first.Renderer);
        Assert.Equal("aa", first.Files["index.html"].Sha256);
        Assert.Same(first, ExportManifest.Load(path));
        Assert.False(first.Remembered, "read from a file this process did not write: its files are checked one by one");

        // Another process rewrites it: the next read sees its entries, not the remembered ones.
        File.WriteAllBytes(path, ExportManifest.Write([Entry("index.html", "bb"), Entry("history.atom", "cc")], renderer: "r2"));
        var second = ExportManifest.Load(path)!;
        Assert.Equal("r2", second.Renderer);
        Assert.Equal(["history.atom", "index.html"], second.Files.Keys.Order(StringComparer.Ordinal));

        // What an export just wrote is remembered as written.
        var written = new ExportManifest.Loaded("r3", new Dictionary<string, ExportManifest.Entry> { ["a.html"] = Entry("a.html", "dd") });
        File.WriteAllBytes(path, ExportManifest.Write(written.Files.Values, written.Renderer));
        var remembered = ExportManifest.Remember(path, written);
        // Another folder's export (a second export folder in the same process) does not make this one be read again.
        var other = Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, "other")).FullName, SiteExporter.ManifestName);
        File.WriteAllBytes(other, ExportManifest.Write(written.Files.Values, "r4"));
        ExportManifest.Remember(other, written with { Renderer = "r4" });
        Assert.Same(remembered, ExportManifest.Load(path));
        Assert.True(remembered.Remembered);
        Assert.Equal(written.Files, remembered.Files);
        File.Delete(path);
        Assert.Null(ExportManifest.Load(path));
    }

    [Fact]
    public void A_manifest_is_stored_in_parts_by_owning_page_and_a_second_store_writes_only_the_parts_whose_entries_changed()
    {
        var path = Path.Combine(_dir, SiteExporter.ManifestName);
        // An incident's page, feeds and siblings in both languages share one part; the site-wide files at the root share another.
        Assert.Equal(ExportManifest.PartOf("incidents/inc-1/index.html", 4), ExportManifest.PartOf("fr/incidents/inc-1/index.html.br", 4));
        Assert.Equal(ExportManifest.PartOf("incidents/inc-1/index.html", 4), ExportManifest.PartOf("incidents/inc-1/history.atom", 4));
        Assert.Equal(ExportManifest.PartOf("index.html", 4), ExportManifest.PartOf("fr/history.atom.gz", 4));
        List<ExportManifest.Entry> entries = [.. Enumerable.Range(0, 300).SelectMany(n => new[]
            { Entry($"incidents/inc-{n}/index.html", "a"), Entry($"fr/incidents/inc-{n}/index.html", "b") }), Entry("index.html", "c")];
        var first = ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", previous: null);
        var parts = PartFiles();
        Assert.True(parts.Count > 100, $"{parts.Count} parts for 301 owners");
        Assert.Equal(entries.ToDictionary(e => e.Path), Reread(path).Files.ToDictionary());
        Assert.Equal("r1", Reread(path).Renderer);

        // One incident updated: its part is written anew (a new name), the old one deleted, every other part left as it was
        // (the exporter names the parts it touched; the others are kept on their count).
        entries[10] = entries[10] with { Sha256 = "z" };
        var written = ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", ExportManifest.Load(path),
            touched: new HashSet<int> { ExportManifest.PartOf(entries[10].Path, Reread(path).Subparts) });
        // One part and the group that lists it.
        var after = PartFiles();
        Assert.Equal(2, after.Except(parts).Count());
        Assert.Equal(2, parts.Except(after).Count());
        var index = new FileInfo(path).Length;
        Assert.True(written - index < (first - index) / 20, $"{written - index} bytes of parts written of {first - index}");
        Assert.Equal("z", Reread(path).Files[entries[10].Path].Sha256);

        // An entry added to a part the caller did not name: its count differs, so that part is compared and written all the same.
        entries.Add(Entry("incidents/inc-10/proof.json", "p"));
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", ExportManifest.Load(path), touched: new HashSet<int>());
        Assert.Equal("p", Reread(path).Files["incidents/inc-10/proof.json"].Sha256);
        after = PartFiles();

        // The same entries stored again from a fresh read: nothing but the list is written, and its bytes are the same.
        var list = File.ReadAllBytes(path);
        Assert.Equal(list.Length, ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", Reread(path)));
        Assert.Equal(list, File.ReadAllBytes(path));

        // A list that does not say how its parts are grouped, a part altered or missing: not taken for the export's content.
        var listText = File.ReadAllText(path);
        File.WriteAllText(path, listText.Replace($"\"subparts\": {Reread(path).Subparts}", "\"subparts\": 3", StringComparison.Ordinal));
        Assert.Throws<InvalidDataException>(() => Reread(path));
        File.WriteAllText(path, listText);
        File.AppendAllText(Path.Combine(_dir, after[0]), " ");
        Assert.Throws<InvalidDataException>(() => Reread(path));
        File.Delete(Path.Combine(_dir, after[0]));
        Assert.Throws<InvalidDataException>(() => Reread(path));
    }

    [Fact]
    public void The_logs_checkpoint_and_partial_tiles_are_owned_by_the_ledger_and_each_full_tile_or_chunk_by_its_folder()
    {
        // What every post changes: the checkpoint and the partial tiles and chunk, one owner (one part rewritten, not the log).
        foreach (var path in new[] { "ledger/checkpoint", "ledger/checkpoint.gz", "ledger/tile/0/390.p/160", "ledger/tile/2/000.p/1",
            "ledger/tile/entries/390.p/160", "ledger/ndjson/390.p/160.ndjson", "ledger/ndjson/390.p/160.ndjson.br" })
        {
            Assert.Equal("ledger", ExportManifest.OwnerOf(path).ToString());
        }
        Assert.Equal("ledger/tile/0", ExportManifest.OwnerOf("ledger/tile/0/389").ToString());
        Assert.Equal("ledger/tile/0/x001", ExportManifest.OwnerOf("ledger/tile/0/x001/234").ToString());
        Assert.Equal("ledger/tile/entries", ExportManifest.OwnerOf("ledger/tile/entries/389").ToString());
        Assert.Equal("ledger/ndjson", ExportManifest.OwnerOf("ledger/ndjson/389.ndjson.gz").ToString());
        // Any file an address can be saved as (SiteExporter.FileFor) has the owner of the file the log saves it as.
        foreach (var url in new[] { "/ledger/checkpoint", "/ledger/tile/0/389", "/ledger/tile/0/390.p/160", "/ledger/ndjson/389.ndjson" })
        {
            Assert.Equal(ExportManifest.OwnerOf(SiteExporter.LedgerFile(url[TileLayout.Prefix.Length..])).ToString(),
                ExportManifest.OwnerOf(SiteExporter.FileFor(url)("text/html")).ToString());
        }
        Assert.Equal("incidents/inc-1", ExportManifest.OwnerOf("fr/incidents/inc-1/index.html").ToString());
        // A year of history or SLA statements is an owner (a post changes the current month's pages and the index, not every year's).
        Assert.Equal("history/2026", ExportManifest.OwnerOf(SiteExporter.FileFor("/fr/history/2026/12")("text/html")).ToString());
        Assert.Equal("sla/2025", ExportManifest.OwnerOf(SiteExporter.FileFor("/sla/2025/01")("text/html") + ".br").ToString());
        Assert.Equal("history", ExportManifest.OwnerOf(SiteExporter.FileFor("/history")("text/html")).ToString());
    }

    [Fact]
    public void Parts_listed_under_another_part_scheme_are_rewritten_not_kept_on_their_count()
    {
        var path = Path.Combine(_dir, SiteExporter.ManifestName);
        List<ExportManifest.Entry> entries = [.. Enumerable.Range(0, 40).Select(n => Entry($"incidents/inc-{n}/index.html", "a"))];
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", previous: null);
        Assert.Contains($"\"part_scheme\": {ExportManifest.PartScheme}", File.ReadAllText(path), StringComparison.Ordinal);
        var stored = Reread(path);
        Assert.Equal(ExportManifest.PartScheme, stored.PartScheme);
        // A part file as an older grouping could have left it, and its group: as many entries as the part holds now, but other ones.
        var part = stored.Parts!.Values.First();
        var others = ExportManifest.Write(Enumerable.Range(0, part.Files).Select(n => Entry($"old/{n}.html", "o")));
        var stale = part with { Path = $"{ExportManifest.PartsFolder}/stale.json", Sha256 = ExportManifest.Sha256(others) };
        var group = stored.Groups!.Values.Single(g => File.ReadAllText(Path.Combine(_dir, g.Path)).Contains(part.Path, StringComparison.Ordinal));
        var groupBytes = File.ReadAllText(Path.Combine(_dir, group.Path)).Replace(part.Path, stale.Path, StringComparison.Ordinal)
            .Replace(part.Sha256, stale.Sha256, StringComparison.Ordinal);
        var staleGroup = group with
        {
            Path = $"{ExportManifest.PartsFolder}/stale-group.json", Sha256 = ExportManifest.Sha256(Encoding.UTF8.GetBytes(groupBytes)),
        };
        void WriteStale()
        {
            File.WriteAllBytes(Path.Combine(_dir, stale.Path), others);
            File.WriteAllText(Path.Combine(_dir, staleGroup.Path), groupBytes);
        }
        WriteStale();
        var listing = stored with
        {
            Parts = stored.Parts!.ToDictionary(p => p.Key, p => p.Key == part.Number ? stale : p.Value),
            Groups = stored.Groups!.ToDictionary(g => g.Key, g => g.Key == group.Number ? staleGroup : g.Value),
        };

        // Listed under scheme 1, that part is written again from the entries, though no part is named as touched.
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", listing with { PartScheme = 1 }, touched: new HashSet<int>());
        Assert.Equal(entries.ToDictionary(e => e.Path), Reread(path).Files.ToDictionary());
        // Under the current scheme the same listing is trusted on its count (what an increment relies on): the stale part stays.
        WriteStale();
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", listing, touched: new HashSet<int>());
        Assert.Contains("old/0.html", Reread(path).Files.Keys);
    }

    [Fact]
    public void A_site_past_the_bound_is_listed_in_more_parts_per_group_and_an_increment_writes_one_part_and_its_group()
    {
        // Parts per group: the fewest that keep a part at FilesPerPart files on average; kept until a part would hold a quarter.
        var bound = ExportManifest.GroupCount * ExportManifest.FilesPerPart;
        Assert.Equal(1, ExportManifest.SubpartsFor(bound, 0));
        Assert.Equal(2, ExportManifest.SubpartsFor(bound + 1, 0));
        Assert.Equal(8, ExportManifest.SubpartsFor(4 * bound + 1, 1));
        Assert.Equal(2, ExportManifest.SubpartsFor(bound / 2, 2));
        Assert.Equal(1, ExportManifest.SubpartsFor(bound / 2 - 1, 2));
        Assert.Equal(1, ExportManifest.SubpartsFor(0, 0));

        var path = Path.Combine(_dir, SiteExporter.ManifestName);
        List<ExportManifest.Entry> entries = [.. Enumerable.Range(0, 3 * bound).Select(n => Entry($"incidents/inc-{n}/index.html", "a"))];
        var first = ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", previous: null);
        var stored = Reread(path);
        Assert.Equal(4, stored.Subparts);
        Assert.Equal(entries.ToDictionary(e => e.Path), stored.Files.ToDictionary());
        Assert.Contains("\"version\": 3", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(entries.Select(e => ExportManifest.PartOf(e.Path, 1)).Distinct().Count(), stored.Groups!.Count);
        Assert.True(stored.Parts!.Count > ExportManifest.GroupCount, $"{stored.Parts.Count} parts");
        Assert.Equal(PartFiles().Count, stored.Parts.Count + stored.Groups.Count);
        // An owner stays in its group whatever the parts per group: the hash's low byte picks the group.
        Assert.All(entries, e => Assert.Equal(ExportManifest.PartOf(e.Path, 1), ExportManifest.PartOf(e.Path, 4) / 4));
        Assert.All(entries, e => Assert.Equal(ExportManifest.PartOf(e.Path, 1), ExportManifest.PartOf(e.Path, 8) / 8));

        // One entry changed: its part and the group listing it are written, every other group kept (manifest.json lists 256).
        var parts = PartFiles();
        entries[10] = entries[10] with { Sha256 = "z" };
        var written = ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", ExportManifest.Load(path),
            touched: new HashSet<int> { ExportManifest.PartOf(entries[10].Path, 4) });
        Assert.Equal(2, PartFiles().Except(parts).Count());
        Assert.Equal(2, parts.Except(PartFiles()).Count());
        var index = new FileInfo(path).Length;
        Assert.True(written - index < (first - index) / 50, $"{written - index} bytes of parts and groups written of {first - index}");
        Assert.Equal("z", Reread(path).Files[entries[10].Path].Sha256);

        // Grown past the bound: grouped anew, every part written (none named as touched), read back whole.
        parts = PartFiles();
        entries.AddRange(Enumerable.Range(0, 2 * bound).Select(n => Entry($"components/c-{n}/index.html", "c")));
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", ExportManifest.Load(path), touched: new HashSet<int>());
        var grown = Reread(path);
        Assert.Equal(8, grown.Subparts);
        Assert.Equal(entries.ToDictionary(e => e.Path), grown.Files.ToDictionary());
        Assert.All(grown.Parts!.Values, part => Assert.All(ExportManifest.Read(File.ReadAllBytes(Path.Combine(_dir, part.Path))).Keys,
            file => Assert.Equal(part.Number, ExportManifest.PartOf(file, 8))));
        Assert.True(PartFiles().Except(parts).Count() > parts.Count / 2, "regrouped, the parts are written anew");

        // Shrunk a little: kept in eight parts per group, and a file left in the folder by another process is swept.
        entries.RemoveRange(entries.Count - bound, bound);
        File.WriteAllText(Path.Combine(_dir, ExportManifest.PartsFolder, "left-by-a-stopped-store.json"), "{}");
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", grown);
        Assert.Equal(8, Reread(path).Subparts);
        Assert.Equal(entries.ToDictionary(e => e.Path), Reread(path).Files.ToDictionary());
        Assert.Equal(PartFiles().Count, Reread(path).Parts!.Count + Reread(path).Groups!.Count);
    }

    [Fact]
    public void A_part_assembled_from_each_entrys_kept_object_has_the_bytes_the_writer_gives()
    {
        ExportManifest.Entry[] entries =
        [
            Entry("incidents/b/index.html", "bb"),
            new("incidents/b/index.html.br", "/incidents/b/", 7, "cc", "text/html; charset=utf-8", "br", "short", "12@2026-12-05T10:00:00Z"),
            new("fr/composants/é\"<x>.json", null, 1234567890123, "dd", "application/json", null, "immutable"),
            Entry("a.atom", "aa"),
        ];
        Assert.Equal(ExportManifest.Write(entries), ExportManifest.WritePart(entries));
        Assert.Equal(ExportManifest.Write(entries.Reverse()), ExportManifest.WritePart(entries.Reverse()));
        // The first write keeps each entry's object; later ones assemble them: the same bytes, also for one entry alone.
        Assert.Equal(ExportManifest.Write(entries), ExportManifest.WritePart(entries));
        Assert.Equal(ExportManifest.Write(entries[1..2]), ExportManifest.WritePart(entries[1..2]));
        // A part with one entry not seen yet: that entry's object is written, the others' read.
        ExportManifest.Entry[] grown = [.. entries, Entry("b.html", "ee")];
        Assert.Equal(ExportManifest.Write(grown), ExportManifest.WritePart(grown));
        Assert.Equal(ExportManifest.Write(grown), ExportManifest.WritePart(grown));
    }

    // The parts' files, relative to the folder.
    private List<string> PartFiles() => [.. Directory.EnumerateFiles(Path.Combine(_dir, ExportManifest.PartsFolder))
        .Select(f => Path.GetRelativePath(_dir, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    // Read from the files, as another process would (the file's stamp moved, so nothing remembered answers).
    private static ExportManifest.Loaded Reread(string path)
    {
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(1));
        var loaded = ExportManifest.Load(path)!;
        Assert.False(loaded.Remembered);
        return loaded;
    }

    private static ExportManifest.Entry Entry(string path, string sha) => new(path, "/" + path, 10, sha, "text/html; charset=utf-8", null, "short");
}
