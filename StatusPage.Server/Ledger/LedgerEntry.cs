using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StatusPage.Server.Ledger;

// One immutable line of the ledger. Body is kept beside the payload (which commits to its hash) so a redaction can drop it and the chain still verifies.
public sealed record LedgerEntry(
    long Seq,
    string Id,
    DateTimeOffset RecordedAt,
    string Kind,
    string Subject,
    string Author,
    string Payload,
    string? Body,
    string PrevHash,
    string Hash)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string EncodingVersion = "statuspage-ledger/1";

    public string RecordedAtText => FormatTime(RecordedAt);

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        var ok = DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
        return ok;
    }

    // Canonical encoding (documented in README): SHA-256 over netstrings "len:bytes," of each field, in this order.
    // Encoded into one pooled buffer: a replay hashes every entry, and building a string per entry showed in the profile.
    public static string ComputeHash(long seq, string id, DateTimeOffset recordedAt, string kind, string subject,
        string author, string payload, string prevHash)
    {
        ReadOnlySpan<string> fields = [EncodingVersion, seq.ToString(CultureInfo.InvariantCulture), id, FormatTime(recordedAt),
            kind, subject, author, payload, prevHash];
        var capacity = 0;
        foreach (var field in fields)
        {
            capacity += Encoding.UTF8.GetMaxByteCount(field.Length) + 12;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var length = 0;
            foreach (var field in fields)
            {
                var byteCount = Encoding.UTF8.GetByteCount(field);
                byteCount.TryFormat(buffer.AsSpan(length), out var digits, default, CultureInfo.InvariantCulture);
                length += digits;
                buffer[length++] = (byte)':';
                length += Encoding.UTF8.GetBytes(field, buffer.AsSpan(length));
                buffer[length++] = (byte)',';
            }
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public string ComputeHash() => ComputeHash(Seq, Id, RecordedAt, Kind, Subject, Author, Payload, PrevHash);

    public static string Sha256Hex(string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}

public sealed record LedgerHead(long Seq, string Hash)
{
    public static readonly LedgerHead Empty = new(0, LedgerEntry.GenesisHash);

    // Short, quoted form used as the HTTP ETag of everything projected from this head.
    public string ETag => $"\"{Seq}-{Hash[..16]}\"";
}
