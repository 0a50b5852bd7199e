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
    public static string ComputeHash(long seq, string id, DateTimeOffset recordedAt, string kind, string subject,
        string author, string payload, string prevHash)
    {
        var buffer = new StringBuilder(256 + payload.Length);
        foreach (var field in (ReadOnlySpan<string>)[EncodingVersion, seq.ToString(CultureInfo.InvariantCulture), id,
                     FormatTime(recordedAt), kind, subject, author, payload, prevHash])
        {
            buffer.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture))
                .Append(':').Append(field).Append(',');
        }
        return Sha256Hex(buffer.ToString());
    }

    public string ComputeHash() => ComputeHash(Seq, Id, RecordedAt, Kind, Subject, Author, Payload, PrevHash);

    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}

public sealed record LedgerHead(long Seq, string Hash)
{
    public static readonly LedgerHead Empty = new(0, LedgerEntry.GenesisHash);

    // Short, quoted form used as the HTTP ETag of everything projected from this head.
    public string ETag => $"\"{Seq}-{Hash[..16]}\"";
}
