using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatusPage.Server.HttpCache;
using StatusPage.Server.Startup;

namespace StatusPage.Tests.Http;

// The server listens while it replays its ledger: until it is ready it says so (503, Retry-After), and then serves normally.
public sealed class StartUpTests
{
    // A start-up step that holds start-up open until the test lets it go, or fails it.
    private sealed class HeldStep : IStartupStep
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task RunAsync(CancellationToken cancellationToken) => Release.Task.WaitAsync(cancellationToken);
    }

    // A server that listens and stays in start-up until its step is released.
    private sealed class StartingServer : IAsyncDisposable
    {
        private readonly StatusPageFactory _root = new(waitUntilReady: false);

        public StartingServer()
        {
            Factory = _root.WithWebHostBuilder(builder =>
                builder.ConfigureTestServices(services => services.AddSingleton<IStartupStep>(Step)));
            Client = Factory.CreateClient();
            // Resolved now: a failed start-up stops the host and disposes its services.
            Readiness = Factory.Services.GetRequiredService<LedgerReadiness>();
            Lifetime = Factory.Services.GetRequiredService<IHostApplicationLifetime>();
        }

        public HeldStep Step { get; } = new();

        public WebApplicationFactory<Program> Factory { get; }

        public HttpClient Client { get; }

        public LedgerReadiness Readiness { get; }

        public IHostApplicationLifetime Lifetime { get; }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Factory.DisposeAsync();
            await _root.DisposeAsync();
        }
    }

    [Fact]
    public async Task While_it_starts_the_server_routes_one_request_of_its_own_to_a_page_and_renders_nothing()
    {
        await using var server = new StartingServer();
        var renders = server.Factory.Services.GetRequiredService<RenderCounter>();

        // The real pipeline's routing matched the warm-up's path while start-up was still held open.
        var endpoint = await server.Factory.Services.GetRequiredService<RoutingWarmUp>().Matched.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(server.Readiness.IsReady);
        Assert.Equal(RoutingWarmUp.Path, (endpoint as RouteEndpoint)?.RoutePattern.RawText);
        // It went no further than routing: nothing rendered, and start-up ends as before.
        Assert.Equal(0, renders.Pages);
        server.Step.Release.SetResult();
        await server.Readiness.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri(RoutingWarmUp.Path, UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Until_start_up_ends_every_request_gets_503_with_retry_after_then_the_same_requests_succeed()
    {
        await using var server = new StartingServer();
        var client = server.Client;

        var api = await client.GetAsync(new Uri("/api/v1/ledger/head", UriKind.Relative));
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        pageRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var page = await client.SendAsync(pageRequest);
        var write = await client.PostAsync(new Uri("/api/v1/incidents", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), api.Headers.RetryAfter?.Delta);
        Assert.True(api.Headers.CacheControl?.NoStore);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
        {
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("verifying its ledger", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"1\">", html, StringComparison.Ordinal);
        Assert.Contains("The status page is starting", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        using var frenchRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        frenchRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        frenchRequest.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr-FR"));
        var french = await (await client.SendAsync(frenchRequest)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\">", french, StringComparison.Ordinal);
        Assert.Contains("état démarre</h1>", french, StringComparison.Ordinal);

        server.Step.Release.SetResult();
        await server.Readiness.Ready.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/ledger/head", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_start_up_that_fails_after_listening_stops_the_server_and_never_reports_ready()
    {
        await using var server = new StartingServer();

        server.Step.Release.SetException(new InvalidOperationException("disk on fire"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Readiness.Ready.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("disk on fire", failure.Message);
        Assert.True(server.Lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.False(server.Readiness.IsReady);
    }

    [Fact]
    public async Task Stopping_during_start_up_is_not_a_failure()
    {
        await using var server = new StartingServer();

        server.Lifetime.StopApplication();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Readiness.Ready.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(server.Readiness.Ready.IsCanceled);
        Assert.False(server.Readiness.Ready.IsFaulted);
    }

    [Fact]
    public async Task The_real_server_serves_once_ready_and_exits_0_on_sigterm()
    {
        var dataDir = Directory.CreateTempSubdirectory("statuspage-test-").FullName;
        try
        {
            using var server = new ServerProcess(Path.Combine(dataDir, "statuspage.db"));
            await server.WaitUntilReady();

            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
            Assert.Equal(0, server.StopGracefully());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
