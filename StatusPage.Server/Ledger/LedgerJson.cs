using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatusPage.Server.Ledger;

// The published form of an entry: one JSON object per line (NDJSON). payload is the exact hashed text, kept as a string.
public sealed record LedgerLine(
    long Seq,
    string Id,
    string RecordedAt,
    string Kind,
    string Subject,
    string Author,
    string Payload,
    string? Body,
    string PrevHash,
    string Hash)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static LedgerLine From(LedgerEntry e) =>
        new(e.Seq, e.Id, e.RecordedAtText, e.Kind, e.Subject, e.Author, e.Payload, e.Body, e.PrevHash, e.Hash);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static LedgerLine Parse(string json) =>
        JsonSerializer.Deserialize<LedgerLine>(json, Options) ?? throw new JsonException("empty line");

    public LedgerEntry ToEntry() => new(Seq, Id,
        LedgerEntry.TryParseTime(RecordedAt, out var recordedAt) ? recordedAt : DateTimeOffset.MinValue,
        Kind, Subject, Author, Payload, Body, PrevHash, Hash);
}
