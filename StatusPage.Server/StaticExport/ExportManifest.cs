using System.Text.Json;

namespace StatusPage.Server.StaticExport;

// manifest.json at the export's root: every file with its size, SHA-256, type, coding and cache class, sorted by path, no
// dates (the same ledger gives the same manifest). Compared by the next export and by publish.
public static class ExportManifest
{
    public sealed record Entry(string Path, string? Url, long Size, string Sha256, string ContentType, string? Encoding, string Cache);

    public static Dictionary<string, Entry> Read(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("files").EnumerateArray().Select(e => new Entry(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("url", out var url) ? url.GetString() : null,
            e.GetProperty("size").GetInt64(),
            e.GetProperty("sha256").GetString()!,
            e.GetProperty("content_type").GetString()!,
            e.TryGetProperty("encoding", out var encoding) ? encoding.GetString() : null,
            e.GetProperty("cache").GetString()!)).ToDictionary(e => e.Path, StringComparer.Ordinal);
    }

    public static byte[] Write(IEnumerable<Entry> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteStartArray("files");
            foreach (var entry in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
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
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
