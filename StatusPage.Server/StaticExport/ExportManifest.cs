using System.Text.Json;

namespace StatusPage.Server.StaticExport;

// manifest.json at the export's root: every file with its size, SHA-256, type, coding and cache class, sorted by path, no
// dates (the same ledger gives the same manifest). Compared by the next export and by publish. Added in issue 15 (readers of
// version 1 ignore them): "renderer" at the top (what else the bytes depend on: this build, the site settings, the zone's offset)
// and "version" on a page (the seq at which its content last changed, with "@" and its clock window's start when it also moves
// with the clock): the next export fetches a page again only when one of them moved.
public static class ExportManifest
{
    public sealed record Entry(string Path, string? Url, long Size, string Sha256, string ContentType, string? Encoding, string Cache,
        string? Version = null);

    // A manifest as read: the renderer its pages were made with and its files by path. Remembered: what this process itself wrote
    // last, answered from memory because the file has not changed since (so its files are the ones this process wrote).
    public sealed record Loaded(string? Renderer, IReadOnlyDictionary<string, Entry> Files, bool Remembered = false);

    private sealed record Remembered(string Path, long Length, long Written, Loaded Manifest);

    private static Remembered? _last;

    public static Dictionary<string, Entry> Read(byte[] json) => Parse(json).Files;

    // The manifest at `path` (null: there is none), parsed once per version of the file: the server's automatic publish exports
    // and uploads after every post, and at 100,000 ledger entries the manifest holds 230,000 files (a second to parse).
    public static Loaded? Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }
        if (_last is { } last && last.Path == info.FullName && last.Length == info.Length && last.Written == info.LastWriteTimeUtc.Ticks)
        {
            return last.Manifest;
        }
        var (renderer, files) = Parse(File.ReadAllBytes(info.FullName));
        var read = new Loaded(renderer, files);
        _last = new Remembered(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks, read);
        return read;
    }

    // What this process just wrote to `path` is what the next Load of it answers (marked Remembered), unless the file changes meanwhile.
    public static Loaded Remember(string path, Loaded manifest)
    {
        var info = new FileInfo(path);
        var written = manifest with { Remembered = true };
        _last = new Remembered(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks, written);
        return written;
    }

    private static (string? Renderer, Dictionary<string, Entry> Files) Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // The few types, cache classes and codings are shared, not one copy per file.
        var files = root.GetProperty("files").EnumerateArray().Select(e => new Entry(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("url", out var url) ? url.GetString() : null,
            e.GetProperty("size").GetInt64(),
            e.GetProperty("sha256").GetString()!,
            string.Intern(e.GetProperty("content_type").GetString()!),
            e.TryGetProperty("encoding", out var encoding) ? string.Intern(encoding.GetString()!) : null,
            string.Intern(e.GetProperty("cache").GetString()!),
            e.TryGetProperty("version", out var version) ? version.GetString() : null)).ToDictionary(e => e.Path, StringComparer.Ordinal);
        return (root.TryGetProperty("renderer", out var renderer) ? renderer.GetString() : null, files);
    }

    public static byte[] Write(IEnumerable<Entry> entries, string? renderer = null)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, entries, renderer);
        return stream.ToArray();
    }

    // Straight into `stream` (the export writes 230,000 entries at 100,000 ledger entries: no copy of the whole in memory).
    public static void WriteTo(Stream stream, IEnumerable<Entry> entries, string? renderer = null)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            if (renderer is not null)
            {
                writer.WriteString("renderer", renderer);
            }
            writer.WriteStartArray("files");
            foreach (var entry in sorted)
            {
                writer.WriteStartObject();
                writer.WriteString("path", entry.Path);
                if (entry.Url is not null)
                {
                    writer.WriteString("url", entry.Url);
                }
                writer.WriteNumber("size", entry.Size);
                writer.WriteString("sha256", entry.Sha256);
                writer.WriteString("content_type", entry.ContentType);
                if (entry.Encoding is not null)
                {
                    writer.WriteString("encoding", entry.Encoding);
                }
                writer.WriteString("cache", entry.Cache);
                if (entry.Version is not null)
                {
                    writer.WriteString("version", entry.Version);
                }
                writer.WriteEndObject();
                if (writer.BytesPending > 1 << 20)
                {
                    writer.Flush();
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }
}
