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
public sealed record ReadModelSnapshot(int Format, long Seq, string Hash, byte[] Leaves, StatusSnapshot Model)
{
    public const int CurrentFormat = 2; // 2: posts and status changes carry ContentOnLiveRecord

    private static readonly JsonSerializerOptions Json = new()
    {
        // Only state: computed properties (an incident's status, a post's backfilled flag) are derived again on load.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OnlyState } },
        Converters = { new SortedDictionaryConverter() },
    };

    public static string PathBeside(string dataPath) => Path.ChangeExtension(dataPath, ".readmodel.json");

    // Written to a temporary file and renamed: a crash mid-write leaves the previous snapshot, never half of one.
    public static void Write(string path, StatusSnapshot model, byte[] leaves)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            JsonSerializer.Serialize(file, new ReadModelSnapshot(CurrentFormat, model.Head.Seq, model.Head.Hash, leaves, model), Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    // Null when there is none, or it cannot be read, or it is of another format: the caller replays the ledger instead.
    public static ReadModelSnapshot? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var snapshot = JsonSerializer.Deserialize<ReadModelSnapshot>(file, Json);
            return snapshot is { Format: CurrentFormat, Model: not null, Leaves: not null, Hash: not null }
                && snapshot.Model.Head == new LedgerHead(snapshot.Seq, snapshot.Hash)
                && snapshot.Model.IntegrityProblem is null
                && snapshot.Leaves.LongLength == snapshot.Seq * Transparency.MerkleTree.HashSize
                ? snapshot
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    // SHA-256 of the model's serialization: the same model gives the same digest (dictionaries are written in key order).
    public static byte[] Digest(StatusSnapshot model)
    {
        using var sha = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
        {
            JsonSerializer.Serialize(hashing, model, Json);
        }
        return sha.Hash!;
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
