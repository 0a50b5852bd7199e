using System.Net;
using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using StatusPage.Client.Console;

namespace StatusPage.Tests.Components;

// A request the console sent to the fake API: what the component tests check instead of a server.
public sealed record SentRequest(HttpMethod Method, string PathAndQuery, string Body);

// Answers the console's /api/v1 calls with canned JSON and records what was sent.
public sealed class FakeApi : HttpMessageHandler
{
    private readonly Dictionary<(HttpMethod, string), Func<string, (HttpStatusCode, string, string)>> _answers = [];

    private readonly List<SentRequest> _sent = [];

    // A copy under the lock: requests arrive on pool threads while a test's wait reads the list.
    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public FakeApi Answer(HttpMethod method, string path, HttpStatusCode status, string json, string mediaType = "application/json")
    {
        _answers[(method, path)] = _ => (status, json, mediaType);
        return this;
    }

    public FakeApi Answer(HttpMethod method, string path, Func<string, string> json)
    {
        _answers[(method, path)] = body => (HttpStatusCode.OK, json(body), "application/json");
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        lock (_sent)
        {
            _sent.Add(new SentRequest(request.Method, path, body));
        }

        var (status, json, mediaType) = _answers.TryGetValue((request.Method, path.Split('?')[0]), out var answer)
            ? answer(body)
            : (HttpStatusCode.OK, "[]", "application/json");
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
    }
}

// A bUnit context with what the console needs: MudBlazor's services, loose JS interop, the API client over a fake handler,
// and the fixed clock of the other tests (TestLedger.Start, the demo's "now"), so no console test depends on today's date.
public static class ConsoleContext
{
    public static readonly DateTimeOffset Now = TestLedger.Start;

    public static BunitContext Create(FakeApi api)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var clock = new FakeTimeProvider(Now);
        context.Services.AddSingleton(clock);
        context.Services.AddSingleton<TimeProvider>(clock);
        context.Services.AddSingleton<ConsoleClock>();
        context.Services.AddSingleton(new HttpClient(api) { BaseAddress = new Uri("http://localhost/") });
        context.Services.AddSingleton<ConsoleApi>();
        return context;
    }
}
