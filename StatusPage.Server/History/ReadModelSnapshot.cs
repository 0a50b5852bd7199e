using System.Collections.Immutable;
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
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            HeadPart? head = null;
            EndPart? end = null;
            var model = new SnapshotBuilder(StatusSnapshot.Empty);
            SharedStringConverter.Table = new Dictionary<string, string>(StringComparer.Ordinal);
            long parts = 0;
            var young = new YoungCollections(YoungBytes);
            foreach (var part in ReadParts(file))
            {
                cancellationToken.ThrowIfCancellationRequested();
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
            SharedStringConverter.Table = null;
        }
    }

    // One part a line, each deserialized from its own bytes: System.Text.Json's whole-value path, where its resumable stream
    // reader (DeserializeAsyncEnumerable) took about a third longer and held more. The buffer grows to the longest line (the
    // head's leaf hashes). A last line with no newline (a file cut short) is parsed too: the end part decides, and a value
    // cut in half throws. Parsing on a second thread gained nothing: the garbage collector, not the parser, is the limit.
    private static IEnumerable<Part?> ReadParts(Stream file)
    {
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var part = JsonSerializer.Deserialize<Part>(buffer.AsSpan(start, newline), Json);
                start += newline + 1;
                yield return part;
                continue;
            }
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = file.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > 0)
                {
                    yield return JsonSerializer.Deserialize<Part>(buffer.AsSpan(0, end), Json);
                }
                yield break;
            }
            end += read;
        }
    }

    // Whether two models would be written as the same file but for the leaves: part by part, in the file's order (the parts
    // WriteModel writes, from the one list in Parts). A value both models hold as one instance (the background verification
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

    private static long WriteModel(PartWriter writer, StatusSnapshot model)
    {
        var count = 0L;
        foreach (var part in Parts(model))
        {
            writer.Write(part);
            count++;
        }
        return count;
    }

    // The model as the file holds it, in file order: the one list that both writing (WriteModel) and the background
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

    // While a snapshot is read, one instance per distinct short string (authors, ids, component ids, status sources), as a
    // replay shares them: without it the model read holds a copy per post and per status change (about 20 MB at 100,000
    // entries). Long strings (bodies, hashes) are left alone: they are distinct anyway. The table lives for one read only.
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
