using Microsoft.Playwright;
using Xunit.Abstractions;

namespace StatusPage.Tests.Browser;

public sealed class ZzDiagnostic(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Diagnose()
    {
        output.WriteLine("addresses base " + fixture.BaseAddress + " clientoptions " + fixture.Server.ClientOptions.BaseAddress);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        page.Response += (_, r) => output.WriteLine($"{r.Status} {r.Url} {r.Headers.GetValueOrDefault("content-type")}");
        page.RequestFailed += (_, r) => output.WriteLine($"FAILED {r.Url} {r.Failure}");
        await page.GotoAsync("/");
        output.WriteLine(await page.ContentAsync());
        using var client = fixture.Server.CreateClient();
        output.WriteLine("createclient base " + client.BaseAddress);
        var js = await (await fixture.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false })).NewPageAsync();
        await js.GotoAsync("/");
        try { output.WriteLine("nojs eval: " + await js.EvaluateAsync<int>("() => 1+1")); } catch (PlaywrightException e) { output.WriteLine("nojs eval failed " + e.Message); }
        Assert.True(true);
    }
}
