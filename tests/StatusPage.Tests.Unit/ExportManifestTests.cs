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
        Assert.Equal(ExportManifest.PartOf("incidents/inc-1/index.html"), ExportManifest.PartOf("fr/incidents/inc-1/index.html.br"));
        Assert.Equal(ExportManifest.PartOf("incidents/inc-1/index.html"), ExportManifest.PartOf("incidents/inc-1/history.atom"));
        Assert.Equal(ExportManifest.PartOf("index.html"), ExportManifest.PartOf("fr/history.atom.gz"));
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
            touched: new HashSet<int> { ExportManifest.PartOf(entries[10].Path) });
        var after = PartFiles();
        Assert.Single(after.Except(parts));
        Assert.Single(parts.Except(after));
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

        // A part altered or missing is not taken for the export's content.
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
            Assert.Equal(ExportManifest.PartOf(SiteExporter.LedgerFile(url[TileLayout.Prefix.Length..])),
                ExportManifest.PartOf(SiteExporter.FileFor(url)("text/html")));
        }
        Assert.Equal("incidents/inc-1", ExportManifest.OwnerOf("fr/incidents/inc-1/index.html").ToString());
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
        // A part file as an older grouping could have left it: as many entries as the part holds now, but other ones.
        var part = stored.Parts!.Values.First();
        var others = ExportManifest.Write(Enumerable.Range(0, part.Files).Select(n => Entry($"old/{n}.html", "o")));
        var stale = part with { Path = $"{ExportManifest.PartsFolder}/stale.json", Sha256 = ExportManifest.Sha256(others) };
        File.WriteAllBytes(Path.Combine(_dir, stale.Path), others);
        var parts = stored.Parts!.ToDictionary(p => p.Key, p => p.Key == part.Number ? stale : p.Value);

        // Listed under scheme 1, that part is written again from the entries, though no part is named as touched.
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", stored with { Parts = parts, PartScheme = 1 },
            touched: new HashSet<int>());
        Assert.Equal(entries.ToDictionary(e => e.Path), Reread(path).Files.ToDictionary());
        // Under the current scheme the same listing is trusted on its count (what an increment relies on): the stale part stays.
        File.WriteAllBytes(Path.Combine(_dir, stale.Path), others);
        ExportManifest.Store(path, entries.ToDictionary(e => e.Path), "r1", stored with { Parts = parts }, touched: new HashSet<int>());
        Assert.Contains("old/0.html", Reread(path).Files.Keys);
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
