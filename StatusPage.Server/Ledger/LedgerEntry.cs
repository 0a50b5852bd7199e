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

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        var ok = DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
        return ok;
    }

    // Canonical encoding (documented in README): SHA-256 over netstrings "len:bytes," of each field, in this order.
    public static string ComputeHash(long seq, string id, DateTimeOffset recordedAt, string kind, string subject,
        string author, string payload, string prevHash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(seq, id, recordedAt, kind, subject, author, payload, prevHash, digest);
        return Convert.ToHexStringLower(digest);
    }

    public string ComputeHash() => ComputeHash(Seq, Id, RecordedAt, Kind, Subject, Author, Payload, PrevHash);

    // The same into a caller's buffer, through one pooled encoding buffer and no string per field: a replay hashes every entry.
    public static void ComputeHash(long seq, string id, DateTimeOffset recordedAt, string kind, string subject,
        string author, string payload, string prevHash, Span<byte> digest)
    {
        ReadOnlySpan<string> texts = [id, kind, subject, author, payload, prevHash];
        var capacity = 128;
        foreach (var text in texts)
        {
            capacity += Encoding.UTF8.GetMaxByteCount(text.Length) + 12;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            // In order: encoding version, seq, id, recorded-at, kind, subject, author, payload, previous hash.
            var length = 0;
            Span<byte> formatted = stackalloc byte[32];
            length += Netstring(EncodingVersionUtf8, buffer.AsSpan(length));
            seq.TryFormat(formatted, out var seqLength, default, CultureInfo.InvariantCulture);
            length += Netstring(formatted[..seqLength], buffer.AsSpan(length));
            length += Netstring(id, buffer.AsSpan(length));
            recordedAt.UtcDateTime.TryFormat(formatted, out var timeLength, TimeFormat, CultureInfo.InvariantCulture);
            length += Netstring(formatted[..timeLength], buffer.AsSpan(length));
            foreach (var text in texts[1..])
            {
                length += Netstring(text, buffer.AsSpan(length));
            }
            SHA256.HashData(buffer.AsSpan(0, length), digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly byte[] EncodingVersionUtf8 = Encoding.UTF8.GetBytes(EncodingVersion);

    // "len:bytes," with len the UTF-8 byte count; returns the bytes written.
    private static int Netstring(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        value.Length.TryFormat(destination, out var digits, default, CultureInfo.InvariantCulture);
        destination[digits] = (byte)':';
        value.CopyTo(destination[(digits + 1)..]);
        destination[digits + 1 + value.Length] = (byte)',';
        return digits + value.Length + 2;
    }

    private static int Netstring(string value, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        byteCount.TryFormat(destination, out var digits, default, CultureInfo.InvariantCulture);
        destination[digits] = (byte)':';
        Encoding.UTF8.GetBytes(value, destination[(digits + 1)..]);
        destination[digits + 1 + byteCount] = (byte)',';
        return digits + byteCount + 2;
    }

    public static string Sha256Hex(string text)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Sha256(text, digest);
        return Convert.ToHexStringLower(digest);
    }

    public static void Sha256(string text, Span<byte> digest)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            SHA256.HashData(buffer.AsSpan(0, length), digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Whether hex is exactly the lowercase hex form of digest, as stored hashes are written: "AB.." is a different text.
    public static bool IsHexOf(ReadOnlySpan<byte> digest, string hex)
    {
        Span<char> expected = stackalloc char[digest.Length * 2];
        return Convert.TryToHexStringLower(digest, expected, out _) && expected.SequenceEqual(hex);
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
