using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace StatusPage.Tests.Http;

// /admin is the standalone WebAssembly console (static files) with its own policy; every other page stays static, cached and script-free.
public sealed class ConsoleHostingTests : IAsyncLifetime
{
    private readonly StatusPageFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/incidents/new")]
    [InlineData("/admin/incidents/2026-06-14-private-network-fra1")]
    public async Task Console_pages_load_the_webassembly_app_under_their_own_policy_and_are_never_stored(string path)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The app's own index.html: its loading screen, then the standalone WebAssembly loader under /admin/.
        Assert.Contains("<base href=\"/admin/\" />", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"loading\"", html, StringComparison.Ordinal);
        Assert.Contains("_framework/blazor.webassembly.js", html, StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Null(response.Headers.ETag);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self' 'wasm-unsafe-eval'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", policy.Replace("'wasm-unsafe-eval'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https:", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/history")]
    [InlineData("/incidents/2026-06-14-private-network-fra1")]
    public async Task Public_pages_carry_no_framework_script_and_no_component_state(string path)
    {
        var first = await _client.GetStringAsync(new Uri(path, UriKind.Relative));
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var second = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("blazor.web", first, StringComparison.Ordinal);
        Assert.DoesNotContain("<!--Blazor", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.NotNull(response.Headers.ETag);
        Assert.StartsWith("default-src 'none'; style-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_framework_files_are_static_files_under_admin_sent_precompressed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/_framework/blazor.webassembly.js", UriKind.Relative));
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Loading_the_console_and_signing_in_log_no_antiforgery_cache_header_warning()
    {
        var logged = new LoggedWarnings();
        await using var root = new StatusPageFactory(settings: new Dictionary<string, string> { ["STATUSPAGE_ADMIN_PASSWORD"] = "hosting test password" });
        await using var factory = root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logged)));
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/admin", "/admin/incidents/new" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }
        var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative),
            new { username = "admin", password = "hosting test password" });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/session", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);

        Assert.DoesNotContain(logged.Messages, m => m.Contains("have been overridden", StringComparison.Ordinal));
    }

    // Every warning the server logs, as text.
    private sealed class LoggedWarnings : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Messages.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
