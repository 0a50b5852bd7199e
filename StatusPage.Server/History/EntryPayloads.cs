using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.History;

// The kinds of ledger entry and the payload each carries, gathered from the families (each declares its constants in its
// folder). Payloads are stored as JSON text and hashed as stored.
internal static partial class EntryKinds
{
    public static readonly ImmutableDictionary<string, Type> PayloadTypes = EntryFamilies.PayloadTypes.ToImmutableDictionary();
}

public interface IEntryPayload;

// A payload whose Markdown body lives beside it; the payload commits to the body through its SHA-256.
public interface IBodyPayload : IEntryPayload
{
    string BodySha256 { get; }
}

internal static class PayloadJson
{
    // Metadata comes from the source-generated PayloadJsonContext: no reflection or emitted IL at start-up, when the replay
    // parses every payload of the ledger.
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false),
            new ComponentStatusesConverter(),
        },
        TypeInfoResolver = PayloadJsonContext.Default,
    };

    public static string Serialize(IEntryPayload payload) => JsonSerializer.Serialize(payload, payload.GetType(), Options);

    public static IEntryPayload Deserialize(string kind, string payload)
    {
        if (!EntryKinds.PayloadTypes.TryGetValue(kind, out var type))
        {
            throw new JsonException($"unknown entry kind '{kind}'");
        }
        return (IEntryPayload)(JsonSerializer.Deserialize(payload, type, Options)
            ?? throw new JsonException($"empty payload for kind '{kind}'"));
    }
}

// The component changes of an update, read as a plain value: the serializer's own dictionary path allocated a stack of
// frames and a temporary dictionary per update (~50 MB over a 100k-entry replay). Same JSON either way (PayloadJsonTests).
internal sealed class ComponentStatusesConverter : JsonConverter<ImmutableSortedDictionary<string, ComponentStatus>>
{
    public override ImmutableSortedDictionary<string, ComponentStatus> Read(ref Utf8JsonReader reader, Type typeToConvert,
        JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("component changes must be an object");
        }
        var statuses = ImmutableSortedDictionary.CreateBuilder<string, ComponentStatus>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var componentId = reader.GetString()!;
            reader.Read();
            // Later duplicates win, as with the serializer's dictionaries; the enum converter refuses numbers and unknown words.
            statuses[componentId] = JsonSerializer.Deserialize<ComponentStatus>(ref reader, options);
        }
        return statuses.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableSortedDictionary<string, ComponentStatus> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (componentId, status) in value)
        {
            writer.WritePropertyName(componentId);
            JsonSerializer.Serialize(writer, status, options);
        }
        writer.WriteEndObject();
    }
}

// Every payload type of EntryKinds.PayloadTypes (a test checks the two lists agree). The generator needs every attribute on one
// declaration (a partial per family folder fails with CS8785, duplicate hint names), so a family's types are listed here.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
// Components/
[JsonSerializable(typeof(GroupDeclared))]
[JsonSerializable(typeof(ComponentDeclared))]
[JsonSerializable(typeof(ComponentStatusSet))]
// Incidents/
[JsonSerializable(typeof(ProviderDeclared))]
[JsonSerializable(typeof(IncidentOpened))]
[JsonSerializable(typeof(IncidentUpdatePosted))]
[JsonSerializable(typeof(PostmortemPublished))]
[JsonSerializable(typeof(CauseAttributed))]
// Maintenance/
[JsonSerializable(typeof(MaintenanceScheduled))]
[JsonSerializable(typeof(MaintenanceUpdatePosted))]
// Posts/
[JsonSerializable(typeof(Corrected))]
[JsonSerializable(typeof(Redacted))]
// Access/
[JsonSerializable(typeof(OperatorCreated))]
[JsonSerializable(typeof(OperatorPasswordSet))]
[JsonSerializable(typeof(OperatorRoleSet))]
[JsonSerializable(typeof(OperatorDisabled))]
[JsonSerializable(typeof(ApiTokenCreated))]
[JsonSerializable(typeof(ApiTokenRevoked))]
// Idempotency/
[JsonSerializable(typeof(RequestCompleted))]
// Keys/
[JsonSerializable(typeof(KeyAdded))]
// ProviderStatus/
[JsonSerializable(typeof(ProviderStatusObserved))]
internal sealed partial class PayloadJsonContext : JsonSerializerContext;
