using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StatusPage.Client.Contracts;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StatusPage.Server.WriteApi;

public sealed record JsonBody<T>(T? Value, string Sha256, ProblemHttpResult? Problem) where T : class;

// Reads a write request's JSON ourselves, so malformed JSON names its field (400) and an oversized body is a 413, both problem+json.
public static class JsonBody
{
    public static async Task<JsonBody<T>> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return Fail<T>(StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON.",
                "Send Content-Type: application/json.", "body", "json_content_type");
        }
        if (request.ContentLength > Limits.RequestMaxBytes)
        {
            return TooLarge<T>();
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > Limits.RequestMaxBytes)
            {
                return TooLarge<T>();
            }
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length == 0)
        {
            return Fail<T>(StatusCodes.Status400BadRequest, "The request body is empty.", "Send a JSON object.", "body", "required");
        }
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, options) is { } value
                ? new JsonBody<T>(value, sha, null)
                : Fail<T>(StatusCodes.Status400BadRequest, "The request body is not a JSON object.", "Send a JSON object.", "body", "json");
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return Fail<T>(StatusCodes.Status400BadRequest, "The request body is not valid JSON.",
                $"Malformed JSON at '{field}' (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", field, "json");
        }
    }

    private static JsonBody<T> TooLarge<T>() where T : class =>
        Fail<T>(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
            $"A write request may be at most {Limits.RequestMaxBytes} bytes.", "body", "max_request_bytes");

    private static JsonBody<T> Fail<T>(int status, string title, string detail, string field, string rule) where T : class =>
        new(null, "", Problems.Of(status, title, detail, field, rule));
}
