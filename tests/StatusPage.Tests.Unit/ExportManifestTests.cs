using StatusPage.Server.StaticExport;

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
        Assert.Same(remembered, ExportManifest.Load(path));
        Assert.True(remembered.Remembered);
        Assert.Equal(written.Files, remembered.Files);
        File.Delete(path);
        Assert.Null(ExportManifest.Load(path));
    }

    private static ExportManifest.Entry Entry(string path, string sha) => new(path, "/" + path, 10, sha, "text/html; charset=utf-8", null, "short");
}
