using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using StatusPage.Client.Contracts;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StatusPage.Server.Edge;

// The request body of an endpoint that takes JSON, read before the framework binds it: a wrong content type (415), an oversized
// (413), empty or malformed body (400, naming where the JSON broke) is problem+json, where the framework's binder would answer
// with a bare status. The bytes are handed on to the binder; their SHA-256 fingerprints Idempotency-Key requests.
internal static class JsonBody
{
    private sealed record Read(string Sha256);

    // On a group: every endpoint in it that binds a JSON body reads it here first (endpoints without a body are untouched).
    public static TBuilder WithJsonBodies<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var bind = endpoint.RequestDelegate ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no request delegate.");
            endpoint.RequestDelegate = context =>
                context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: { } type }
                    ? ReadThenBindAsync(context, type, bind)
                    : bind(context);
        });
        return builder;
    }

    // The SHA-256 of the body as sent (set once the body was read here).
    public static string Sha256(HttpContext context) =>
        context.Features.Get<Read>()?.Sha256 ?? throw new InvalidOperationException("The request body was not read by JsonBody.");

    private static async Task ReadThenBindAsync(HttpContext context, Type type, RequestDelegate bind)
    {
        var request = context.Request;
        if (await ReadAsync(request, type) is not { } bytes)
        {
            return;
        }
        context.Features.Set(new Read(Convert.ToHexStringLower(SHA256.HashData(bytes))));
        request.Body = new MemoryStream(bytes, writable: false);
        request.ContentLength = bytes.Length;
        await bind(context);
    }

    // The body, or null once a problem was answered.
    private static async Task<byte[]?> ReadAsync(HttpRequest request, Type type)
    {
        if (!request.HasJsonContentType())
        {
            return await Fail(request, RuleCatalogue.JsonContentType, "The request body must be JSON.", "Send Content-Type: application/json.");
        }
        if (request.ContentLength > Limits.RequestMaxBytes)
        {
            return await TooLarge(request);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > Limits.RequestMaxBytes)
            {
                return await TooLarge(request);
            }
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            return await Fail(request, RuleCatalogue.JsonBodyRequired, "The request body is empty.", "Send a JSON object.");
        }
        // Parsed here with the binder's own options, so the binder cannot fail on what passes.
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize(bytes, type, options) is not null
                ? bytes
                : await Fail(request, RuleCatalogue.Json, "The request body is not a JSON object.", "Send a JSON object.");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return await Fail(request, RuleCatalogue.Json, "The request body is not valid JSON.",
                $"Malformed JSON at '{field}' (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", field);
        }
    }

    private static Task<byte[]?> TooLarge(HttpRequest request) =>
        Fail(request, RuleCatalogue.MaxRequestBytes, "The request body is too large.",
            $"A write request may be at most {Limits.RequestMaxBytes} bytes.");

    private static async Task<byte[]?> Fail(HttpRequest request, Rule rule, string title, string detail, string field = "body")
    {
        await Problems.Of(rule, detail, field, title).ExecuteAsync(request.HttpContext);
        return null;
    }
}
