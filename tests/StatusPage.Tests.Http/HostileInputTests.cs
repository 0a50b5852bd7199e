using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace StatusPage.Tests.Http;

// Script, HTML, javascript: URLs and attribute breakers in titles and bodies are stored exactly and only ever shown as text.
public sealed partial class HostileInputTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private readonly HttpClient _client = server.Client();

    public static TheoryData<string> Payloads =>
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "' onmouseover='alert(1)' x='",
        "javascript:alert(1)",
        "[click me](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">link</a>",
        "</title></head><body><script>alert(1)</script>",
        "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
        "![x](javascript:alert(1))",
        "<style>body{display:none}</style>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ];

    [GeneratedRegex(@"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:""[^""]*""|'[^']*'|[^\s>]+))?)*)\s*/?>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+([^\s=>/]+)(?:\s*=\s*(""[^""]*""|'[^']*'|[^\s>]+))?")]
    private static partial Regex Attribute();

    private static readonly HashSet<string> UrlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster"];

    // Every real tag on the page: no iframe/object/embed, no script but the site's own (a same-origin src, no inline code),
    // no event handler attribute, no javascript: URL.
    private static void AssertNothingExecutes(string html)
    {
        foreach (Match tag in Tag().Matches(html))
        {
            var name = tag.Groups[1].Value.ToLowerInvariant();
            Assert.DoesNotContain(name, (string[])["iframe", "object", "embed"]);
            var attributes = Attribute().Matches(tag.Groups[2].Value)
                .Select(a => (Name: a.Groups[1].Value.ToLowerInvariant(), Value: a.Groups[2].Value.Trim('"', '\'')))
                .ToList();
            if (name == "script")
            {
                Assert.Contains(attributes, a => a.Name == "src" && a.Value.Length > 0 && !a.Value.Contains(':', StringComparison.Ordinal)
                    && !a.Value.StartsWith("//", StringComparison.Ordinal));
                Assert.StartsWith("</script>", html[(tag.Index + tag.Length)..], StringComparison.Ordinal);
            }
            foreach (var (attributeName, value) in attributes)
            {
                Assert.False(attributeName.StartsWith("on", StringComparison.Ordinal), $"event handler attribute in {tag.Value}");
                Assert.False(UrlAttributes.Contains(attributeName) && value.Contains("javascript:", StringComparison.OrdinalIgnoreCase),
                    $"javascript: URL in {tag.Value}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_hostile_title_and_body_are_stored_as_given_and_rendered_as_text(string payload)
    {
        var (id, _) = await _client.CreateIncident(payload, payload);

        var stored = await _client.Incident(id);
        var home = await _client.GetAsync(Api.Url("/"));
        var homeHtml = await home.Content.ReadAsStringAsync();
        var page = await _client.GetStringAsync(Api.Url($"/incidents/{id}"));
        var preview = (await (await _client.Post("/api/v1/preview", new { Body = payload })).Json()).GetProperty("html").GetString()!;

        Assert.Equal(payload, stored.GetProperty("title").GetString());
        Assert.Equal(payload, stored.GetProperty("updates")[0].GetProperty("body").GetString());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.DoesNotContain("<script", preview, StringComparison.OrdinalIgnoreCase);
        AssertNothingExecutes(homeHtml);
        AssertNothingExecutes(page);
        AssertNothingExecutes(preview);
        Assert.Contains(payload, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }
}

// Every write endpoint the OpenAPI document lists, sent what the edge must refuse: ids with a trailing newline, control
// characters, noncharacters, lone surrogates (as JSON escapes), absurd dates, wrong content types, oversized and deeply nested
// bodies, hostile path segments. Each answer is a 4xx problem+json naming a field and a rule, and nothing is stored.
public sealed class HostileWriteTests(HostileWriteTests.Server server, ITestOutputHelper output) : IClassFixture<HostileWriteTests.Server>
{
    public sealed class Server : IDisposable
    {
        public WriteApiServer Api { get; } = WriteApiServer.With(new Dictionary<string, string>
        {
            ["StatusPage:RateLimits:SignInPerMinute"] = "1000000",
            ["StatusPage:RateLimits:WritesPerMinute"] = "1000000",
            ["StatusPage:Webhooks:AllowPrivateTargets"] = "true",
        });

        public void Dispose() => Api.Dispose();
    }

    private const string Placeholder = "\"__hostile__\"";

    // Raw JSON string literals: escapes reach the server as written (a serializer would refuse or repair a lone surrogate).
    private static readonly string[] HostileText =
    [
        @"""x\u0000y""", @"""bell\u0007""", @"""back\u0008space""", @"""esc\u001b[31m""", @"""del\u007f""", @"""nel\u0085""",
        @"""x\ufffe""", @"""x\uffff""", @"""x\ufdd0""", @"""x\ud800y""", @"""x\udc00y""", @"""x\ud83f\udffe""", "\"raw\u0001control\"",
    ];

    private static readonly string[] HostileIds = [@"""ingestion-api\n""", @"""ingestion-api\r\n""", @"""admin\n""", @"""halden\n"""];

    private static readonly string[] IdFields = ["id", "username", "operator", "provider", "group"];

    private static readonly string[] HostileDates =
    [
        @"""0001-01-01T00:00:00Z""", @"""1999-12-31T23:59:59Z""", @"""9999-12-31T23:59:59Z""", @"""2026-13-45T00:00:00Z""",
        @"""+275760-09-13T00:00:00Z""", "12", "true",
    ];

    // %00 is refused by Kestrel itself (RawPathTests); the in-process test server cannot even carry it.
    private static readonly string[] HostilePathSuffixes = ["%0A", "%0D%0A", "%07", "%1B", "%ED%A0%80", "%EF%BF%BE", "%2F..%2F..%2Fsecrets"];

    private sealed record Ids(string Incident, string IncidentUpdate, string Maintenance, string MaintenanceUpdate, string Token,
        string Webhook);

    private static async Task<Ids> Prepare(HttpClient admin)
    {
        var (incident, update) = await admin.CreateIncident("Target of hostile writes");
        var maintenance = await (await admin.Post("/api/v1/maintenance", MaintenanceBody())).Created();
        var token = await (await admin.Post("/api/v1/tokens", new { Name = "hostile target" })).Created();
        await (await admin.Post("/api/v1/operators", new { Username = "target", Role = "operator", Password = "target's long password" })).Created();
        var webhook = await admin.RegisterWebhook("http://127.0.0.1:9/hook");
        return new Ids(incident, update, maintenance.GetProperty("id").GetString()!, maintenance.GetProperty("update_id").GetString()!,
            token.GetProperty("id").GetString()!, webhook.Id);
    }

    private static object MaintenanceBody() => new
    {
        Title = "Planned work",
        Components = new[] { "ingestion-api" },
        ScheduledFor = new DateTimeOffset(2027, 1, 10, 2, 0, 0, TimeSpan.Zero),
        ScheduledUntil = new DateTimeOffset(2027, 1, 10, 4, 0, 0, TimeSpan.Zero),
        Body = "We will replace a switch.",
    };

    // A valid body per write endpoint; the test fails for an endpoint the OpenAPI document lists without one here.
    private static readonly Dictionary<string, object> Bodies = new()
    {
        ["POST /api/v1/incidents"] = Api.NewIncident(),
        ["POST /api/v1/incidents/{id}/updates"] = new { Status = "identified", Body = "Found it.", Components = new Dictionary<string, string> { ["ingestion-api"] = "degraded_performance" } },
        ["POST /api/v1/incidents/{id}/resolve"] = new { Body = "Fixed." },
        ["POST /api/v1/incidents/{id}/reopen"] = new { Status = "investigating", Body = "Back again." },
        ["POST /api/v1/incidents/{id}/postmortem"] = new { Body = "What happened." },
        ["POST /api/v1/incidents/{id}/cause"] = new { Kind = "upstream", Provider = "halden", Ticket = "HAL-1" },
        ["POST /api/v1/incidents/{id}/updates/{updateId}/corrections"] = new { Body = "Corrected.", Reason = "Typo." },
        ["POST /api/v1/incidents/{id}/updates/{updateId}/redactions"] = new { Reason = "A secret." },
        ["POST /api/v1/maintenance/{id}/updates/{updateId}/corrections"] = new { Body = "Corrected.", Reason = "Typo." },
        ["POST /api/v1/maintenance/{id}/updates/{updateId}/redactions"] = new { Reason = "A secret." },
        ["POST /api/v1/components/{id}/status"] = new { Status = "degraded_performance" },
        ["POST /api/v1/maintenance"] = MaintenanceBody(),
        ["POST /api/v1/maintenance/{id}/updates"] = new { Status = "in_progress", Body = "Started." },
        ["POST /api/v1/components"] = new { Id = "new-component", Name = "New component", Group = "api", Description = "New." },
        ["PATCH /api/v1/components/{id}"] = new { Name = "Renamed", Description = "Changed.", Group = "api" },
        ["POST /api/v1/preview"] = new { Body = "Preview." },
        ["POST /api/v1/session"] = new { Username = "admin", Password = "not the password" },
        ["POST /api/v1/operators"] = new { Username = "newop", Role = "operator", Password = "a long enough password" },
        ["POST /api/v1/operators/{username}/password"] = new { Password = "another long password" },
        ["POST /api/v1/operators/{username}/role"] = new { Role = "operator" },
        ["POST /api/v1/tokens"] = new { Name = "script", Operator = "target" },
        ["POST /api/v1/webhooks"] = new { Url = "http://127.0.0.1:9/other", Components = new[] { "ingestion-api" } },
    };

    private sealed record Endpoint(string Method, string Route, JsonElement? Schema)
    {
        public string Key => $"{Method} {Route}";
    }

    private sealed record Attempt(string What, HttpRequestMessage Request);

    [Fact]
    public async Task Every_write_endpoint_refuses_hostile_input_with_a_problem_naming_field_and_rule_and_stores_nothing()
    {
        var admin = server.Api.Client();
        var ids = await Prepare(admin);
        var document = await (await admin.GetAsync(Url("/openapi/v1.json"))).Json();
        var endpoints = WriteEndpoints(document).ToList();
        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} write endpoints in the OpenAPI document");
        var missing = endpoints.Where(e => e.Schema is not null && !Bodies.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        Assert.True(missing.Count == 0, "no valid body for: " + string.Join(", ", missing));

        var answers = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            foreach (var attempt in Attempts(endpoint, ids, document))
            {
                var headBefore = server.Api.Ledger.Current.Head;
                var webhooksBefore = (await admin.Webhooks()).Count;
                using var response = await admin.SendAsync(attempt.Request);
                sent++;
                var status = (int)response.StatusCode;
                answers[status] = answers.GetValueOrDefault(status) + 1;
                var text = await response.Content.ReadAsStringAsync();
                var problem = Judge(response, text);
                if (problem is not null)
                {
                    failures.Add($"{endpoint.Key} {attempt.What}: {problem} ({status} {text[..Math.Min(300, text.Length)]})");
                }
                if (server.Api.Ledger.Current.Head != headBefore || (await admin.Webhooks()).Count != webhooksBefore)
                {
                    failures.Add($"{endpoint.Key} {attempt.What}: STORED ({status})");
                }
            }
        }

        output.WriteLine($"{endpoints.Count} write endpoints, {sent} hostile requests; answers: "
            + string.Join(", ", answers.Select(a => $"{a.Key} × {a.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers fail:\n" + string.Join("\n", failures.Take(40)));
        Assert.DoesNotContain(answers.Keys, status => status >= 500 || status < 400);
    }

    // Null when the answer is what the edge owes: a 4xx problem+json naming a field and a rule.
    private static string? Judge(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500)
        {
            return "not a 4xx";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType}";
        }
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        if (root.TryGetProperty("violations", out var violations))
        {
            return violations.GetArrayLength() > 0 && violations.EnumerateArray().All(v =>
                v.GetProperty("field").GetString() is { Length: > 0 } && v.GetProperty("rule").GetString() is { Length: > 0 })
                ? null
                : "violations without field or rule";
        }
        return root.TryGetProperty("field", out var field) && field.GetString() is { Length: > 0 }
            && root.TryGetProperty("rule", out var rule) && rule.GetString() is { Length: > 0 }
            ? null
            : "no field or rule";
    }

    private static IEnumerable<Endpoint> WriteEndpoints(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                if (method is not ("POST" or "PUT" or "PATCH" or "DELETE") || !path.Name.StartsWith("/api/", StringComparison.Ordinal))
                {
                    continue;
                }
                JsonElement? schema = operation.Value.TryGetProperty("requestBody", out var body)
                    && body.GetProperty("content").TryGetProperty("application/json", out var json)
                    ? json.GetProperty("schema")
                    : null;
                yield return new Endpoint(method, path.Name.TrimEnd('/'), schema);
            }
        }
    }

    private static IEnumerable<Attempt> Attempts(Endpoint endpoint, Ids ids, JsonElement document)
    {
        var route = endpoint.Route;
        var path = Fill(route, ids, suffix: "");
        var valid = Bodies.TryGetValue(endpoint.Key, out var body) ? JsonSerializer.Serialize(body, WriteApiServer.Json) : null;
        foreach (var (name, _) in Parameters(route))
        {
            foreach (var suffix in HostilePathSuffixes)
            {
                yield return new($"path {name}+{suffix}", Request(endpoint.Method, Fill(route, ids, suffix, name), valid ?? "{}"));
            }
        }
        if (valid is null)
        {
            yield break;
        }
        yield return new("text/plain", Request(endpoint.Method, path, valid, "text/plain"));
        yield return new("form", Request(endpoint.Method, path, "a=b", "application/x-www-form-urlencoded"));
        yield return new("no content type", Request(endpoint.Method, path, valid, contentType: null));
        yield return new("oversized", Request(endpoint.Method, path, $"{{\"body\":\"{new string('x', 200_000)}\"}}"));
        yield return new("nested 10000 deep", Request(endpoint.Method, path, new string('[', 10_000) + new string(']', 10_000)));
        yield return new("nested object 200 deep", Request(endpoint.Method, path,
            string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)));
        yield return new("malformed", Request(endpoint.Method, path, valid[..^1]));
        yield return new("empty", Request(endpoint.Method, path, ""));
        var template = JsonNode.Parse(valid)!.AsObject();
        foreach (var (field, kind) in Properties(endpoint.Schema!.Value, document))
        {
            var values = kind switch
            {
                "date-time" => HostileDates,
                "string" when IdFields.Contains(field) => [.. HostileText, .. HostileIds],
                "string" or "array" or "object" => HostileText,
                _ => [],
            };
            foreach (var value in values)
            {
                var poisoned = template.DeepClone().AsObject();
                poisoned[field] = kind switch
                {
                    "array" => new JsonArray(JsonValue.Create("__hostile__")),
                    "object" => new JsonObject { ["__hostile__"] = "operational" },
                    _ => JsonValue.Create("__hostile__"),
                };
                var json = poisoned.ToJsonString().Replace(Placeholder, value, StringComparison.Ordinal);
                yield return new($"{field}={value}", Request(endpoint.Method, path, json));
            }
        }
    }

    private static IEnumerable<(string Name, int Index)> Parameters(string route) =>
        route.Split('/').Select((segment, index) => (segment, index)).Where(s => s.segment.StartsWith('{')).Select(s => (s.segment.Trim('{', '}'), s.index));

    private static string Fill(string route, Ids ids, string suffix, string? poisoned = null)
    {
        var segments = route.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{'))
            {
                continue;
            }
            var name = segments[i].Trim('{', '}');
            var collection = segments[i - 1];
            var value = (name, collection) switch
            {
                ("id", "incidents") => ids.Incident,
                ("id", "maintenance") => ids.Maintenance,
                ("id", "components") => "ingestion-api",
                ("id", "tokens") => ids.Token,
                ("id", "webhooks") => ids.Webhook,
                ("id", "subscriptions") => "no-such-subscriber",
                ("updateId", _) => segments[i - 3] == "incidents" ? ids.IncidentUpdate : ids.MaintenanceUpdate,
                ("username", _) => "target",
                _ => throw new InvalidOperationException($"no value for {{{name}}} in {route}"),
            };
            segments[i] = value + (name == poisoned ? suffix : "");
        }
        return string.Join('/', segments);
    }

    // Top-level properties of the request schema and their kind: string, date-time, array, object or another type.
    private static IEnumerable<(string Name, string Kind)> Properties(JsonElement schema, JsonElement document)
    {
        var resolved = Resolve(schema, document);
        if (!resolved.TryGetProperty("properties", out var properties))
        {
            yield break;
        }
        foreach (var property in properties.EnumerateObject())
        {
            var p = Resolve(property.Value, document);
            var types = p.TryGetProperty("type", out var type)
                ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!]
                : [];
            var kind = p.TryGetProperty("format", out var format) && format.GetString() == "date-time" ? "date-time"
                : types.Contains("string") ? "string"
                : types.Contains("array") ? "array"
                : types.Contains("object") && p.TryGetProperty("additionalProperties", out _) ? "object"
                : "other";
            yield return (property.Name, kind);
        }
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement document)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return Resolve(document.GetProperty("components").GetProperty("schemas").GetProperty(name), document);
        }
        if (schema.TryGetProperty("anyOf", out var anyOf) || schema.TryGetProperty("oneOf", out anyOf))
        {
            return anyOf.EnumerateArray().Select(s => Resolve(s, document)).FirstOrDefault(s => !s.TryGetProperty("type", out var t)
                || t.ValueKind != JsonValueKind.String || t.GetString() != "null", schema);
        }
        return schema;
    }

    private static HttpRequestMessage Request(string method, string path, string body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = content };
    }

    private static Uri Url(string path) => new(path, UriKind.Relative);
}
