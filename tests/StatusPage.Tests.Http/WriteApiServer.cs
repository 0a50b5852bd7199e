using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

// The real server over a temp data file with the demo content, an admin API token (STATUSPAGE_ADMIN_TOKEN) and an admin password.
public sealed class WriteApiServer : IDisposable
{
    public const string AdminToken = "sp_test-admin-token-0123456789abcdefghijklmnopq";
    public const string AdminPassword = "correct horse battery staple";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    private readonly StatusPageFactory _root;

    public WriteApiServer() : this(new Dictionary<string, string>(), dataDir: null)
    {
    }

    private WriteApiServer(IReadOnlyDictionary<string, string> settings, string? dataDir, DateTimeOffset? now = null)
    {
        _root = new StatusPageFactory(dataDir: dataDir, now: now);
        Factory = _root.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("STATUSPAGE_ADMIN_TOKEN", AdminToken);
            builder.UseSetting("STATUSPAGE_ADMIN_PASSWORD", AdminPassword);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }

    public static WriteApiServer With(IReadOnlyDictionary<string, string> settings) => new(settings, dataDir: null);

    // A server reopened on a data file starts as far past DemoNow as the test run is old (as ServerProcess does): a restart's
    // clock moves on from the last one's instead of jumping back before what it recorded.
    public static WriteApiServer OnDataDir(string dataDir) => OnDataDir(dataDir, new Dictionary<string, string>());

    public static WriteApiServer OnDataDir(string dataDir, IReadOnlyDictionary<string, string> settings) =>
        new(settings, dataDir, StatusPageFactory.DemoNow + System.Diagnostics.Stopwatch.GetElapsedTime(RunStarted));

    private static readonly long RunStarted = System.Diagnostics.Stopwatch.GetTimestamp();

    public WebApplicationFactory<Program> Factory { get; }

    public LedgerService Ledger => Factory.Services.GetRequiredService<LedgerService>();

    public HttpClient Client(string? token = AdminToken)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public void Dispose() => _root.Dispose();
}

public static class Api
{
    public static Uri Url(string path) => new(path, UriKind.Relative);

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = JsonContent.Create(body, options: WriteApiServer.Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string path, string json) =>
        client.PostAsync(Url(path), new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<JsonElement> Created(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // Asserts an RFC 9457 body with this status that names the field and the rule (top level, or per field in "violations").
    public static async Task<JsonElement> Problem(this HttpResponseMessage response, HttpStatusCode status, string field, string rule)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (problem.TryGetProperty("violations", out var violations))
        {
            Assert.Contains(violations.EnumerateArray(), v => v.GetProperty("field").GetString() == field && v.GetProperty("rule").GetString() == rule);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors does not name '{field}': {text}");
        }
        else
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Equal(rule, problem.GetProperty("rule").GetString());
        }
        return problem;
    }

    public static object NewIncident(string title = "Ingestion API returns errors", string body = "We are investigating.") => new
    {
        Title = title,
        Impact = "major",
        Status = "investigating",
        Body = body,
        Components = new Dictionary<string, string> { ["ingestion-api"] = "partial_outage" },
    };

    public static async Task<(string Id, string UpdateId)> CreateIncident(this HttpClient client, string title = "Ingestion API returns errors",
        string body = "We are investigating.")
    {
        var created = await (await client.Post("/api/v1/incidents", NewIncident(title, body))).Created();
        return (created.GetProperty("id").GetString()!, created.GetProperty("update_id").GetString()!);
    }

    public static async Task<JsonElement> Incident(this HttpClient client, string id)
    {
        var response = await client.GetAsync(Url($"/api/v1/incidents/{id}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    public static async Task<long> HeadSeq(this HttpClient client) =>
        (await (await client.GetAsync(Url("/api/v1/ledger/head"))).Json()).GetProperty("seq").GetInt64();

    public static async Task<List<LedgerEntry>> Ledger(this HttpClient client, long after = 0)
    {
        var text = await client.GetStringAsync(Url($"/api/v1/ledger?after={after}"));
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => LedgerLine.Parse(line).ToEntry())];
    }
}
