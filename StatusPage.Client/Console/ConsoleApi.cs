using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using StatusPage.Client.Contracts;

namespace StatusPage.Client.Console;

// A refusal from the API (RFC 9457), with its messages by field ("body", "components.dashboard", ...).
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors);

public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}

// The console's only way to the server: the same /api/v1 calls scripts make, with the session cookie and the X-CSRF-TOKEN header.
public sealed class ConsoleApi(HttpClient http)
{
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    // Rendered bodies by source text: a timeline reloaded after each post asks the server only for what is new.
    private readonly Dictionary<string, string> _rendered = new(StringComparer.Ordinal);

    public SessionInfo? Session { get; private set; }

    public bool IsAdmin => Session?.Role == OperatorRole.Admin.ToWord();

    public event Action? SessionChanged;

    // On start: an existing cookie session (GET /api/v1/session) also hands out a fresh antiforgery token.
    public async Task RestoreSessionAsync()
    {
        var response = await http.GetAsync(new Uri("api/v1/session", UriKind.Relative));
        SetSession(response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SessionInfo>(Json) : null);
    }

    public async Task<ApiResult<SessionInfo>> SignInAsync(SignInRequest request)
    {
        var result = await SendAsync<SessionInfo>(HttpMethod.Post, "api/v1/session", request);
        if (result.Succeeded)
        {
            SetSession(result.Value);
        }
        return result;
    }

    public async Task SignOutAsync()
    {
        await SendAsync<object>(HttpMethod.Delete, "api/v1/session", null);
        SetSession(null);
    }

    // Markdown as the public page shows it, from the server's one pipeline (POST /api/v1/preview); null if it cannot say.
    public async Task<string?> RenderMarkdownAsync(string body)
    {
        if (_rendered.TryGetValue(body, out var html))
        {
            return html;
        }
        try
        {
            if ((await PostAsync<PreviewResponse>("api/v1/preview", new PreviewRequest { Body = body })).Value?.Html is { } rendered)
            {
                _rendered[body] = rendered;
                return rendered;
            }
        }
        catch (JsonException)
        {
            // Not a preview answer: the plain text stays.
        }
        return null;
    }

    public Task<ApiResult<T>> GetAsync<T>(string path) => SendAsync<T>(HttpMethod.Get, path, null);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body) => SendAsync<T>(HttpMethod.Post, path, body);

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        if (Session is { } session && method != HttpMethod.Get)
        {
            request.Headers.Add(AntiforgeryHeader, session.AntiforgeryToken);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            return new(default, new ApiProblem(0, "The server cannot be reached.", e.Message, new Dictionary<string, string[]>()));
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var value = response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                    ? default
                    : await response.Content.ReadFromJsonAsync<T>(Json);
                return new(value, null);
            }
            var problem = await ReadProblemAsync(response);
            // A session that ended (expired, password or role changed elsewhere) sends the operator back to sign-in.
            if (response.StatusCode == HttpStatusCode.Unauthorized && path != "api/v1/session")
            {
                SetSession(null);
            }
            return new(default, problem);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        try
        {
            var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() ?? "" : response.ReasonPhrase ?? "";
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = [.. field.Value.EnumerateArray().Select(m => m.GetString() ?? "")];
                }
            }
            else if (root.TryGetProperty("field", out var f) && f.GetString() is { } name && detail is not null)
            {
                errors[name] = [detail];
            }
            return new ApiProblem(status, title, detail, errors);
        }
        catch (JsonException)
        {
            return new ApiProblem(status, response.ReasonPhrase ?? "The request failed.", null, new Dictionary<string, string[]>());
        }
    }

    private void SetSession(SessionInfo? session)
    {
        Session = session;
        SessionChanged?.Invoke();
    }
}
