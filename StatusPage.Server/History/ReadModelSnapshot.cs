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
// The file is a sequence of JSON values, one a line: a head (format, seq, hash, leaves), then one value per aggregate
// (each incident, maintenance, component, ...) in ordinal key order, then an end that counts them. It is read as a stream,
// one aggregate at a time, so reading it costs about the read model it builds, never a whole document in memory.
internal sealed record ReadModelSnapshot(long Seq, string Hash, byte[] Leaves, StatusSnapshot Model)
{
    public const int CurrentFormat = 5; // 5: posts and status changes carry ContentOnLiveRecord (issue 13); 4: with the last seq per subject (issue 15) and provider observations (issue 14); 3: a stream of aggregates; 1: one JSON document

    private static readonly JsonSerializerOptions Json = new()
    {
        // Only state: computed properties (an incident's status, a post's backfilled flag) are derived again on load.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlyState } },
        Converters = { new SortedDictionaryConverter(), new SharedStringConverter() },
    };

    // Garbage allowed between collections while reading or verifying (see YoungCollections).
    public const long YoungBytes = 16 << 20;

    public static string PathBeside(string dataPath) => Path.ChangeExtension(dataPath, ".readmodel.json");

    // Written to a temporary file and renamed: a crash mid-write leaves the previous snapshot, never half of one.
    public static void Write(string path, StatusSnapshot model, byte[] leaves)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using var writer = new PartWriter(file);
            writer.Write(new HeadPart(CurrentFormat, model.Head.Seq, model.Head.Hash, leaves));
            var count = WriteModel(writer, model);
            writer.Write(new EndPart(count));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    // Null when there is none, or it cannot be read, or it is of another format: the caller replays the ledger instead.
    public static async Task<ReadModelSnapshot?> TryReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            HeadPart? head = null;
            EndPart? end = null;
            var model = new SnapshotBuilder(StatusSnapshot.Empty);
            SharedStringConverter.Table.Value = new Dictionary<string, string>(StringComparer.Ordinal);
            long parts = 0;
            var young = new YoungCollections(YoungBytes);
            await foreach (var part in JsonSerializer.DeserializeAsyncEnumerable<Part>(file, topLevelValues: true, Json, cancellationToken)
                .ConfigureAwait(false))
            {
                switch (part)
                {
                    case HeadPart first when head is null && parts == 0:
                        head = first;
                        break;
                    case ModelPart aggregate when head is not null && end is null:
                        aggregate.AddTo(model);
                        parts++;
                        young.Tick();
                        break;
                    case EndPart last when head is not null && end is null:
                        end = last;
                        break;
                    default:
                        return null; // out of order, or something after the end: not a file this code wrote
                }
            }
            if (head is not { Format: CurrentFormat, Hash: not null, Leaves: not null } || end is null || end.Parts != parts
                || head.Leaves.LongLength != head.Seq * Transparency.MerkleTree.HashSize)
            {
                return null;
            }
            model.Head = new LedgerHead(head.Seq, head.Hash);
            return new ReadModelSnapshot(head.Seq, head.Hash, head.Leaves, model.ToSnapshot());
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException
            or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
        finally
        {
            SharedStringConverter.Table.Value = null;
        }
    }

    // SHA-256 of the model's serialization, aggregate by aggregate as in the file: the same model gives the same digest.
    public static byte[] Digest(StatusSnapshot model)
    {
        using var sha = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
        {
            using var writer = new PartWriter(hashing);
            writer.Write(new HeadPart(CurrentFormat, model.Head.Seq, model.Head.Hash, []));
            WriteModel(writer, model);
        }
        return sha.Hash!;
    }

    // SHA-256 of one incident's or maintenance's serialization: the background verification compares aggregates by it.
    public static byte[] Digest<T>(T aggregate)
    {
        using var sha = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
        {
            JsonSerializer.Serialize(hashing, aggregate, Json);
        }
        return sha.Hash!;
    }

    private static long WriteModel(PartWriter writer, StatusSnapshot model)
    {
        writer.Write(new RosterPart(model.Roster));
        writer.Write(new KeysPart(model.Keys));
        writer.Write(new LastPublicSeqPart(model.LastPublicSeq));
        var count = 3L;
        count += WriteAll(writer, model.Providers, (k, v) => new ProviderPart(k, v));
        count += WriteAll(writer, model.Groups, (k, v) => new GroupPart(k, v));
        count += WriteAll(writer, model.Components, (k, v) => new ComponentPart(k, v));
        count += WriteAll(writer, model.Incidents, (k, v) => new IncidentPart(k, v));
        count += WriteAll(writer, model.Maintenances, (k, v) => new MaintenancePart(k, v));
        count += WriteAll(writer, model.PostOwners, (k, v) => new PostOwnerPart(k, v));
        count += WriteAll(writer, model.Requests, (k, v) => new RequestPart(k, v));
        count += WriteAll(writer, model.LastSeqBySubject, (k, v) => new LastSeqPart(k, v));
        count += WriteAll(writer, model.ProviderObservations, (k, v) => new ObservationsPart(k, v));
        return count;
    }

    // In ordinal key order: an ImmutableDictionary's own order follows hash codes.
    private static long WriteAll<T>(PartWriter writer, ImmutableDictionary<string, T> items, Func<string, T, Part> part)
    {
        foreach (var key in items.Keys.Order(StringComparer.Ordinal))
        {
            writer.Write(part(key, items[key]));
        }
        return items.Count;
    }

    // One JSON value a line, through one writer and one buffer. Serializing a whole model allocates several times its size.
    private sealed class PartWriter(Stream stream) : IDisposable
    {
        private readonly Utf8JsonWriter _json = new(stream);
        private readonly YoungCollections _young = new(YoungBytes);

        public void Write(Part part)
        {
            _young.Tick();
            JsonSerializer.Serialize(_json, part, Json);
            _json.Flush();
            stream.WriteByte((byte)'\n');
            _json.Reset(stream);
        }

        public void Dispose() => _json.Dispose();
    }

    [JsonPolymorphic(TypeDiscriminatorPropertyName = "part")]
    [JsonDerivedType(typeof(HeadPart), "head")]
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
    [JsonDerivedType(typeof(EndPart), "end")]
    private abstract record Part;

    private sealed record HeadPart(int Format, long Seq, string Hash, byte[] Leaves) : Part;

    private sealed record EndPart(long Parts) : Part;

    // Adds itself to the model being read; a key met twice throws (ArgumentException), so the file is not used.
    private abstract record ModelPart : Part
    {
        public abstract void AddTo(SnapshotBuilder model);
    }

    private sealed record RosterPart(OperatorRoster Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Roster = Value;
    }

    private sealed record KeysPart(SigningKeys Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Keys = Value;
    }

    private sealed record ProviderPart(string Key, UpstreamProvider Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Providers.Add(Key, Value);
    }

    private sealed record GroupPart(string Key, ComponentGroup Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Groups.Add(Key, Value);
    }

    private sealed record ComponentPart(string Key, ServiceComponent Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Components.Add(Key, Value);
    }

    private sealed record IncidentPart(string Key, Incident Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Incidents.Add(Key, Value);
    }

    private sealed record MaintenancePart(string Key, Maintenance Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Maintenances.Add(Key, Value);
    }

    private sealed record PostOwnerPart(string Key, string Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.PostOwners.Add(Key, model.Share(Value));
    }

    private sealed record RequestPart(string Key, RecordedRequest Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.Requests.Add(Key, Value);
    }

    private sealed record LastPublicSeqPart(long Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.LastPublicSeq = Value;
    }

    private sealed record LastSeqPart(string Key, long Value) : ModelPart
    {
        public override void AddTo(SnapshotBuilder model) => model.LastSeqBySubject.Add(Key, Value);
    }

    private sealed record ObservationsPart(string Key, ImmutableList<ProviderObservation> Value) : ModelPart
    {
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

    // While a snapshot is read, one instance per distinct short string (authors, ids, component ids, status sources), as a
    // replay shares them: without it the model read holds a copy per post and per status change (about 20 MB at 100,000
    // entries). Long strings (bodies, hashes) are left alone: they are distinct anyway. The table lives for one read only.
    private sealed class SharedStringConverter : JsonConverter<string>
    {
        private const int LongestShared = 48;

        public static readonly AsyncLocal<Dictionary<string, string>?> Table = new();

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is null || text.Length > LongestShared || Table.Value is not { } table)
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
