using System.Text.Json;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.Publishing;

// The bucket's own record of what the last complete publish stored (written last, after every object it names): each key with
// the SHA-256 of its stored body and the ETag the store answered, so the next publish uploads only what differs.
// Kept apart from StaticExport/ExportManifest on purpose: an object's record is what the store was sent and answered (its
// body's Content-Encoding and Cache-Control, the ETag), a file's is what the export wrote (sibling coding, cache class, page
// version); they share only path, size, hash and type, and one entry type for both would carry the other's empty fields.
internal static class PublishManifest
{
    public const string Key = "publish-manifest.json";

    public sealed record Stored(string Key, string Sha256, string ETag, long Size, string ContentType, string? ContentEncoding,
        string CacheControl);

    // The ledger head the last complete publish exported, if it said.
    public static LedgerHead? HeadOf(byte[]? json)
    {
        try
        {
            using var document = JsonDocument.Parse(json ?? []);
            return document.RootElement.TryGetProperty("head", out var head)
                ? new LedgerHead(head.GetProperty("seq").GetInt64(), head.GetProperty("hash").GetString()!)
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public static Dictionary<string, Stored> Read(byte[]? json)
    {
        if (json is null)
        {
            return new(StringComparer.Ordinal);
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("objects").EnumerateArray().Select(o => new Stored(
                o.GetProperty("key").GetString()!,
                o.GetProperty("sha256").GetString()!,
                o.GetProperty("etag").GetString()!,
                o.GetProperty("size").GetInt64(),
                o.GetProperty("content_type").GetString()!,
                o.TryGetProperty("content_encoding", out var encoding) ? encoding.GetString() : null,
                o.GetProperty("cache_control").GetString()!)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Unreadable: trust nothing the bucket holds, upload everything again.
            return new(StringComparer.Ordinal);
        }
    }

    public static byte[] Write(IEnumerable<Stored> objects, LedgerHead? head)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            if (head is not null)
            {
                writer.WriteStartObject("head");
                writer.WriteNumber("seq", head.Seq);
                writer.WriteString("hash", head.Hash);
                writer.WriteEndObject();
            }
            writer.WriteStartArray("objects");
            foreach (var o in objects.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("key", o.Key);
                writer.WriteString("sha256", o.Sha256);
                writer.WriteString("etag", o.ETag);
                writer.WriteNumber("size", o.Size);
                writer.WriteString("content_type", o.ContentType);
                if (o.ContentEncoding is not null)
                {
                    writer.WriteString("content_encoding", o.ContentEncoding);
                }
                writer.WriteString("cache_control", o.CacheControl);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
