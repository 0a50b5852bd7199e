using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.History;

// The read model and the Merkle tree's leaf hashes at one ledger head, in a file beside the data file, so a restart serves
// history without replaying every entry first. Never trusted over the ledger: it names the head (seq and hash) it was built
// at and is discarded unless the ledger's entry at that seq has that hash; after a start from it, the whole chain is verified
// in the background and the read model rebuilt from it must serialize to the same bytes (LedgerService.Snapshot.cs).
//
// The file: a head (magic, format, seq, hash, leaves), then one part per aggregate (each incident, maintenance, component,
// ...) in ordinal key order, then an end that counts them, then the SHA-256 of all of it. The parts that make up nearly all of
// it are in ReadModelCodec's binary encoding, the few small ones (roster, keys, last public seq, providers, groups, requests,
// observations) one JSON value each. It is read as a stream, one aggregate at a time, so reading it costs about the read
// model it builds.
internal sealed record ReadModelSnapshot(long Seq, string Hash, byte[] Leaves, StatusSnapshot Model)
{
    // 6: binary aggregates (ReadModelCodec); 5: posts and status changes carry ContentOnLiveRecord (issue 13); 4: with the last seq
    // per subject (issue 15) and provider observations (issue 14); 3: a stream of JSON aggregates; 1: one JSON document
    public const int CurrentFormat = 6;

    private static readonly JsonSerializerOptions Json = new()
    {
        // Only state: computed properties (an incident's status, a post's backfilled flag) are derived again on load.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlyState } },
        Converters = { new SortedDictionaryConverter(), new SharedStringConverter() },
    };

    // How the JSON parts and the comparison see a type (ReadModelCodecTests holds the binary encoding to its state properties).
    internal static JsonTypeInfo TypeInfoOf(Type type) => Json.GetTypeInfo(type);

    // Garbage allowed between collections while reading or verifying (see YoungCollections).
    public const long YoungBytes = 16 << 20;

    private static ReadOnlySpan<byte> Magic => "SPRM"u8;

    // What follows each part's tag: the binary aggregates, one JSON part, or the end (its count as 8 bytes, then the checksum).
    private enum Tag : byte { Json = 1, Component, Incident, Maintenance, PostOwner, LastSeq, End = 255 }

    // The file's last bytes: the SHA-256 of every byte before them. A bit flipped on disk makes the start replay instead of
    // serving the damage and then blaming the ledger for it when the background verification disagrees.
    private const int ChecksumSize = 32;

    public static string PathBeside(string dataPath) => Path.ChangeExtension(dataPath, ".readmodel");

    // Written to a temporary file and renamed: a crash mid-write leaves the previous snapshot, never half of one. A snapshot of
    // format 5 or earlier (".readmodel.json") is deleted: this code no longer reads it.
    public static void Write(string path, StatusSnapshot model, byte[] leaves)
    {
        var temporary = path + ".tmp";
        try
        {
            WriteFile(temporary, model, leaves);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        File.Move(temporary, path, overwrite: true);
        try
        {
            File.Delete(path + ".json");
        }
        catch (IOException)
        {
            // Harmless: nothing reads it any more, the next save tries again.
        }
    }

    private static void WriteFile(string temporary, StatusSnapshot model, byte[] leaves)
    {
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            using (var writer = new ReadModelCodec.Writer(file))
            {
                writer.Raw(Magic);
                writer.Int(CurrentFormat);
                writer.Long(model.Head.Seq);
                writer.String(model.Head.Hash);
                writer.Bytes(leaves);
                var young = new YoungCollections(YoungBytes);
                var count = 0L;
                foreach (var part in Parts(model))
                {
                    young.Tick();
                    WritePart(writer, part);
                    count++;
                }
                writer.Byte((byte)Tag.End);
                writer.FixedLong(count);
            }
            file.Write(ChecksumOf(file, file.Length));
            file.Flush(flushToDisk: true);
        }
    }

    // The SHA-256 of the file's first `length` bytes (~0.05 s for the 31 MB at 100,000 entries, read from the page cache).
    private static byte[] ChecksumOf(FileStream file, long length)
    {
        file.Position = 0;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        for (var left = length; left > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new EndOfStreamException();
            }
            sha256.AppendData(buffer, 0, read);
            left -= read;
        }
        return sha256.GetHashAndReset();
    }

    // Whether the file ends with the checksum of everything before it; leaves the file at its start.
    private static bool IsIntact(FileStream file)
    {
        if (file.Length < ChecksumSize)
        {
            return false;
        }
        var stored = new byte[ChecksumSize];
        file.Position = file.Length - ChecksumSize;
        file.ReadExactly(stored);
        var intact = ChecksumOf(file, file.Length - ChecksumSize).AsSpan().SequenceEqual(stored);
        file.Position = 0;
        return intact;
    }

    private static void WritePart(ReadModelCodec.Writer writer, ModelPart part)
    {
        switch (part)
        {
            case IncidentPart incident:
                writer.Byte((byte)Tag.Incident);
                writer.String(incident.Key);
                writer.Incident(incident.Value);
                break;
            case MaintenancePart maintenance:
                writer.Byte((byte)Tag.Maintenance);
                writer.String(maintenance.Key);
                writer.Maintenance(maintenance.Value);
                break;
            case ComponentPart component:
                writer.Byte((byte)Tag.Component);
                writer.String(component.Key);
                writer.Component(component.Value);
                break;
            case PostOwnerPart owner:
                writer.Byte((byte)Tag.PostOwner);
                writer.String(owner.Key);
                writer.String(owner.Value);
                break;
            case LastSeqPart last:
                writer.Byte((byte)Tag.LastSeq);
                writer.String(last.Key);
                writer.Long(last.Value);
                break;
            default:
                writer.Byte((byte)Tag.Json);
                writer.Bytes(JsonSerializer.SerializeToUtf8Bytes<Part>(part, Json));
                break;
        }
    }

    // Null when there is none, or it cannot be read, or it is of another format: the caller replays the ledger instead.
    public static Task<ReadModelSnapshot?> TryReadAsync(string path, CancellationToken cancellationToken = default) =>
        Task.Run(() => TryRead(path, cancellationToken), cancellationToken);

    private static ReadModelSnapshot? TryRead(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            if (!IsIntact(file))
            {
                return null;
            }
            using var reader = new ReadModelCodec.Reader(file);
            if (!reader.Raw(Magic.Length).SequenceEqual(Magic) || reader.Int() != CurrentFormat)
            {
                return null;
            }
            var head = new LedgerHead(reader.Long(), reader.Text());
            var leaves = reader.Bytes();
            if (leaves.LongLength != head.Seq * Transparency.MerkleTree.HashSize)
            {
                return null;
            }
            var model = new SnapshotBuilder(StatusSnapshot.Empty) { Head = head };
            SharedStringConverter.Table = new Dictionary<string, string>(StringComparer.Ordinal);
            var young = new YoungCollections(YoungBytes);
            for (var parts = 0L; ; parts++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                young.Tick();
                switch ((Tag)reader.Byte())
                {
                    case Tag.Incident:
                        model.Incidents.Add(reader.Text(), reader.Incident());
                        break;
                    case Tag.Maintenance:
                        model.Maintenances.Add(reader.Text(), reader.Maintenance());
                        break;
                    case Tag.Component:
                        model.Components.Add(reader.Text(), reader.Component());
                        break;
                    case Tag.PostOwner:
                        model.PostOwners.Add(reader.Text(), reader.Text());
                        break;
                    case Tag.LastSeq:
                        model.LastSeqBySubject.Add(reader.Text(), reader.Long());
                        break;
                    // Only the small parts, never an empty one: the big ones have their tags, and a null roster or keys would fail later.
                    case Tag.Json when JsonSerializer.Deserialize<Part>(reader.Bytes(), Json) is ModelPart part and not (IncidentPart
                        or MaintenancePart or ComponentPart or PostOwnerPart or LastSeqPart) && part.Held.Value is not null:
                        part.AddTo(model);
                        break;
                    // The end counts the parts and only the checksum follows it: a file cut short, or with more after it, is not used.
                    case Tag.End when reader.FixedLong() == parts && file.Position == file.Length - ChecksumSize:
                        return new ReadModelSnapshot(head.Seq, head.Hash, leaves, model.ToSnapshot());
                    default:
                        return null;
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException
            or InvalidOperationException or KeyNotFoundException or InvalidDataException or FormatException)
        {
            return null;
        }
        finally
        {
            SharedStringConverter.Table = null;
        }
    }

    // Whether two models would be written as the same file but for the leaves: part by part, in the file's order (the parts
    // Write writes, from the one list in Parts). A value both models hold as one instance (the background verification
    // shares every equal aggregate with the snapshot's as it goes), or an equal string or number, is not serialized; any other
    // pair is compared by its JSON bytes. Record equality is not used: it compares nested lists by reference and
    // DateTimeOffsets without their offsets, which serialize differently.
    public static bool SameModel(StatusSnapshot a, StatusSnapshot b)
    {
        if (a.Head != b.Head)
        {
            return false;
        }
        using var left = Parts(a).GetEnumerator();
        using var right = Parts(b).GetEnumerator();
        while (true)
        {
            var more = left.MoveNext();
            if (more != right.MoveNext())
            {
                return false;
            }
            if (!more)
            {
                return true;
            }
            if (!SamePart(left.Current, right.Current))
            {
                return false;
            }
        }
    }

    private static bool SamePart(ModelPart a, ModelPart b)
    {
        if (a.GetType() != b.GetType() || a.Held.Key != b.Held.Key)
        {
            return false;
        }
        var (x, y) = (a.Held.Value, b.Held.Value);
        return ReferenceEquals(x, y) || (x is string or long && Equals(x, y)) || SameSerialization<Part>(a, b);
    }

    // Whether two values serialize to the same JSON (the verification shares a replayed aggregate with the snapshot's by it).
    public static bool SameSerialization<T>(T a, T b) =>
        ReferenceEquals(a, b) || JsonSerializer.SerializeToUtf8Bytes(a, Json).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, Json));

    // The model as the file holds it, in file order: the one list that both writing (Write) and the background
    // verification's comparison (SameModel) walk, so a part cannot be written without being compared.
    private static IEnumerable<ModelPart> Parts(StatusSnapshot model) =>
        new ModelPart[] { new RosterPart(model.Roster), new KeysPart(model.Keys), new LastPublicSeqPart(model.LastPublicSeq) }
            .Concat(Keyed(model.Providers, (k, v) => new ProviderPart(k, v)))
            .Concat(Keyed(model.Groups, (k, v) => new GroupPart(k, v)))
            .Concat(Keyed(model.Components, (k, v) => new ComponentPart(k, v)))
            .Concat(Keyed(model.Incidents, (k, v) => new IncidentPart(k, v)))
            .Concat(Keyed(model.Maintenances, (k, v) => new MaintenancePart(k, v)))
            .Concat(Keyed(model.PostOwners, (k, v) => new PostOwnerPart(k, v)))
            .Concat(Keyed(model.Requests, (k, v) => new RequestPart(k, v)))
            .Concat(Keyed(model.LastSeqBySubject, (k, v) => new LastSeqPart(k, v)))
            .Concat(Keyed(model.ProviderObservations, (k, v) => new ObservationsPart(k, v)));

    // In ordinal key order: an ImmutableDictionary's own order follows hash codes.
    private static IEnumerable<ModelPart> Keyed<T>(ImmutableDictionary<string, T> items, Func<string, T, ModelPart> part) =>
        items.Keys.Order(StringComparer.Ordinal).Select(key => part(key, items[key]));

    [JsonPolymorphic(TypeDiscriminatorPropertyName = "part")]
    [JsonDerivedType(typeof(RosterPart), "roster")]
    [JsonDerivedType(typeof(KeysPart), "keys")]
    [JsonDerivedType(typeof(ProviderPart), "provider")]
    [JsonDerivedType(typeof(GroupPart), "group")]
    [JsonDerivedType(typeof(ComponentPart), "component")]
    [JsonDerivedType(typeof(IncidentPart), "incident")]
    [JsonDerivedType(typeof(MaintenancePart), "maintenance")]
    [JsonDerivedType(typeof(PostOwnerPart), "post_owner")]
    [JsonDerivedType(typeof(RequestPart), "request")]
    [JsonDerivedType(typeof(LastPublicSeqPart), "last_public_seq")]
    [JsonDerivedType(typeof(LastSeqPart), "last_seq")]
    [JsonDerivedType(typeof(ObservationsPart), "provider_observations")]
    private abstract record Part;

    // Adds itself to the model being read; a key met twice throws (ArgumentException), so the file is not used.
    private abstract record ModelPart : Part
    {
        // Its key (if any) and value, for SameModel's comparison by reference (not written: a get-only property, see OnlyState).
        public abstract (string? Key, object? Value) Held { get; }

        public abstract void AddTo(SnapshotBuilder model);
    }

    private sealed record RosterPart(OperatorRoster Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (null, Value);

        public override void AddTo(SnapshotBuilder model) => model.Roster = Value;
    }

    private sealed record KeysPart(SigningKeys Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (null, Value);

        public override void AddTo(SnapshotBuilder model) => model.Keys = Value;
    }

    private sealed record ProviderPart(string Key, UpstreamProvider Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Providers.Add(Key, Value);
    }

    private sealed record GroupPart(string Key, ComponentGroup Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Groups.Add(Key, Value);
    }

    private sealed record ComponentPart(string Key, ServiceComponent Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Components.Add(Key, Value);
    }

    private sealed record IncidentPart(string Key, Incident Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Incidents.Add(Key, Value);
    }

    private sealed record MaintenancePart(string Key, Maintenance Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Maintenances.Add(Key, Value);
    }

    private sealed record PostOwnerPart(string Key, string Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.PostOwners.Add(Key, model.Share(Value));
    }

    private sealed record RequestPart(string Key, RecordedRequest Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.Requests.Add(Key, Value);
    }

    private sealed record LastPublicSeqPart(long Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (null, Value);

        public override void AddTo(SnapshotBuilder model) => model.LastPublicSeq = Value;
    }

    private sealed record LastSeqPart(string Key, long Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.LastSeqBySubject.Add(Key, Value);
    }

    private sealed record ObservationsPart(string Key, ImmutableList<ProviderObservation> Value) : ModelPart
    {
        public override (string? Key, object? Value) Held => (Key, Value);

        public override void AddTo(SnapshotBuilder model) => model.ProviderObservations.Add(Key, Value);
    }

    private static void OnlyState(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i] is { Set: null, AssociatedParameter: null })
            {
                info.Properties.RemoveAt(i);
            }
        }
    }

    // While a snapshot's JSON parts are read (roster, keys, providers, groups, requests, observations: the binary parts share
    // through ReadModelCodec's string table), one instance per distinct short string (authors, ids, paths), as a replay shares
    // them. Long strings are left alone: they are distinct anyway. The table lives for one read only.
    private sealed class SharedStringConverter : JsonConverter<string>
    {
        private const int LongestShared = 48;

        // Set by the reading thread for the read (the read runs on one thread, synchronously).
        [ThreadStatic]
        public static Dictionary<string, string>? Table;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is null || text.Length > LongestShared || Table is not { } table)
            {
                return text;
            }
            if (table.TryGetValue(text, out var shared))
            {
                return shared;
            }
            table[text] = text;
            return text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    // ImmutableDictionary<string, T> written in ordinal key order (its own order follows hash codes), read back as usual.
    private sealed class SortedDictionaryConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableDictionary<,>)
            && typeToConvert.GetGenericArguments()[0] == typeof(string);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[1]))!;

        private sealed class Converter<T> : JsonConverter<ImmutableDictionary<string, T>>
        {
            public override ImmutableDictionary<string, T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                JsonSerializer.Deserialize<Dictionary<string, T>>(ref reader, options)!.ToImmutableDictionary();

            public override void Write(Utf8JsonWriter writer, ImmutableDictionary<string, T> value, JsonSerializerOptions options)
            {
                writer.WriteStartObject();
                foreach (var (key, item) in value.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    JsonSerializer.Serialize(writer, item, options);
                }
                writer.WriteEndObject();
            }
        }
    }
}
