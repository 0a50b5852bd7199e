using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StatusPage.Server.History;

// A post's body_sha256 as its payload committed to it: 32 bytes inside the post when it is lowercase hex, as the server writes
// it (a 64-character string cost about 150 bytes per post, ~7 MB of the read model at 100,000 entries); any other text is kept
// as it is, so the text written back is always the one committed.
[JsonConverter(typeof(JsonHex))]
public readonly record struct BodyDigest
{
    public const int Size = 32;
    private readonly ulong _a, _b, _c, _d;
    private readonly string? _text;

    private BodyDigest(ulong a, ulong b, ulong c, ulong d, string? text) => (_a, _b, _c, _d, _text) = (a, b, c, d, text);

    public static BodyDigest Of(string hex)
    {
        Span<byte> digest = stackalloc byte[Size];
        if (hex.Length != Size * 2 || Convert.FromHexString(hex, digest, out _, out _) != System.Buffers.OperationStatus.Done
            || !Ledger.LedgerEntry.IsHexOf(digest, hex))
        {
            return new(0, 0, 0, 0, hex);
        }
        return FromBytes(digest);
    }

    // The text when it is not a lowercase hex digest (the read-model snapshot's binary format writes the 32 bytes otherwise).
    internal string? Text => _text;

    internal void CopyTo(Span<byte> digest)
    {
        BinaryPrimitives.WriteUInt64BigEndian(digest, _a);
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(digest[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(digest[24..], _d);
    }

    internal static BodyDigest FromBytes(ReadOnlySpan<byte> digest) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]), BinaryPrimitives.ReadUInt64BigEndian(digest[24..]), null);

    public override string ToString()
    {
        if (_text is not null)
        {
            return _text;
        }
        Span<byte> digest = stackalloc byte[Size];
        CopyTo(digest);
        return Convert.ToHexStringLower(digest);
    }

    // Written and read as the hex text.
    private sealed class JsonHex : JsonConverter<BodyDigest>
    {
        public override BodyDigest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Of(reader.GetString() ?? throw new JsonException("body_sha256 is null"));

        public override void Write(Utf8JsonWriter writer, BodyDigest value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
