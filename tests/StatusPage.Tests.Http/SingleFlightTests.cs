using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StatusPage.Server.HttpCache;

namespace StatusPage.Tests.Http;

// Crisis-day reads (issue 15): one render per page and head however many readers arrive after a post, stale answers only to
// anonymous readers and only while the new page renders, and a writer's own read never older than its acknowledged write.
public sealed class SingleFlightTests
{
    private static readonly Dictionary<string, string> LongStaleWindow = new() { ["StatusPage:StalePagesForSeconds"] = "60" };

    [Fact]
    public async Task A_burst_of_reads_after_a_post_renders_the_home_page_once()
    {
        using var server = new WriteApiServer();
        var renders = server.Factory.Services.GetRequiredService<RenderCounter>();
        var reader = server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(Api.Url("/"))).StatusCode);
        await server.Client().CreateIncident("Burst after a post");
        var before = renders.Pages;

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => reader.GetAsync(Api.Url("/"))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, renders.Pages - before);
        Assert.Contains("Burst after a post", await reader.GetStringAsync(Api.Url("/")));
        Assert.Equal(1, renders.Pages - before);
    }

    [Fact]
    public async Task A_burst_of_feed_and_v2_reads_after_a_post_renders_each_representation_once()
    {
        using var server = new WriteApiServer();
        var renders = server.Factory.Services.GetRequiredService<RenderCounter>();
        var reader = server.Client(token: null);
        await server.Client().CreateIncident("Feeds after a post");
        var before = renders.Representations;

        var answers = await Task.WhenAll(Enumerable.Range(0, 32).SelectMany(_ => new[]
        {
            reader.GetAsync(Api.Url("/history.atom")), reader.GetAsync(Api.Url("/api/v2/summary.json")),
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(2, renders.Representations - before);
        Assert.Contains("Feeds after a post", await reader.GetStringAsync(Api.Url("/api/v2/summary.json")));
    }

    [Fact]
    public async Task While_the_new_page_renders_anonymous_readers_get_the_previous_one_and_the_writer_waits_for_its_write()
    {
        using var server = WriteApiServer.With(LongStaleWindow);
        var renders = server.Factory.Services.GetRequiredService<RenderCounter>();
        var reader = server.Client(token: null);
        var writer = server.Client();
        Assert.DoesNotContain("Held while rendering", await reader.GetStringAsync(Api.Url("/")));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        renders.BeforePageRender = () =>
        {
            entered.TrySetResult();
            return release.Task;
        };
        await writer.CreateIncident("Held while rendering");

        var leader = reader.GetStringAsync(Api.Url("/"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stale = await reader.GetStringAsync(Api.Url("/"));
        var writersRead = writer.GetStringAsync(Api.Url("/"));
        await Task.Delay(300);
        var writerWaited = !writersRead.IsCompleted;
        release.SetResult();

        Assert.DoesNotContain("Held while rendering", stale);
        Assert.Equal(1, renders.StaleAnswers);
        Assert.True(writerWaited, "the writer's read answered while the page of its write was still rendering");
        Assert.Contains("Held while rendering", await writersRead);
        Assert.Contains("Held while rendering", await leader);
        Assert.Contains("Held while rendering", await reader.GetStringAsync(Api.Url("/")));
    }

    [Fact]
    public async Task With_the_stale_window_off_anonymous_readers_wait_for_the_new_page_too()
    {
        using var server = WriteApiServer.With(new Dictionary<string, string> { ["StatusPage:StalePagesForSeconds"] = "0" });
        var renders = server.Factory.Services.GetRequiredService<RenderCounter>();
        var reader = server.Client(token: null);
        await reader.GetStringAsync(Api.Url("/"));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        renders.BeforePageRender = () =>
        {
            entered.TrySetResult();
            return release.Task;
        };
        await server.Client().CreateIncident("No stale window");

        var leader = reader.GetStringAsync(Api.Url("/"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var follower = reader.GetStringAsync(Api.Url("/"));
        await Task.Delay(300);
        var followerWaited = !follower.IsCompleted;
        release.SetResult();

        Assert.True(followerWaited);
        Assert.Contains("No stale window", await follower);
        Assert.Contains("No stale window", await leader);
        Assert.Equal(0, renders.StaleAnswers);
    }
}
