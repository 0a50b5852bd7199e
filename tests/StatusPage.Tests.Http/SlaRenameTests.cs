using System.Net;
using System.Net.Http.Json;

namespace StatusPage.Tests.Http;

// A component renamed today: /sla names it as it was named at the end of each closed month, with today's name beside it.
public sealed class SlaRenameTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    [Fact]
    public async Task A_closed_month_names_a_renamed_component_as_it_was_then_with_its_name_now()
    {
        var admin = server.Client();
        var renamed = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Patch, Api.Url("/api/v1/components/private-network"))
        {
            Content = JsonContent.Create(new { Name = "FRA1–AMS2 link" }, options: WriteApiServer.Json),
        });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        var page = await (await admin.GetAsync(Api.Url("/sla"))).Content.ReadAsStringAsync();

        var october = page[page.IndexOf("id=\"sla-2026-10\"", StringComparison.Ordinal)..page.IndexOf("id=\"sla-2026-09\"", StringComparison.Ordinal)];
        Assert.Contains("Private network between data centers<span class=\"renamed\"> (now: FRA1–AMS2 link)</span>", october, StringComparison.Ordinal);
        var november = page[page.IndexOf("id=\"sla-2026-11\"", StringComparison.Ordinal)..page.IndexOf("id=\"sla-2026-10\"", StringComparison.Ordinal)];
        Assert.Contains(">FRA1–AMS2 link</a>", november, StringComparison.Ordinal);
        Assert.DoesNotContain("Private network between data centers", november, StringComparison.Ordinal);
    }
}
