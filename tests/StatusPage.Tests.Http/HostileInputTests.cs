using System.Net;
using System.Text.RegularExpressions;

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
