using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace StatusPage.Tests.Http;

// An unconfirmed address that asks again: the newest request's choices count, its 48 h run from the newest confirmation email,
// and every email holds the same (working) link; a request beyond the per-day limit sends nothing and extends nothing.
public sealed partial class EmailSubscriptionTests
{
    [Fact]
    public async Task Asking_again_before_confirming_restarts_the_48_hours_from_the_newest_email_but_not_beyond_the_daily_limit()
    {
        using var smtp = new SmtpSink();
        await using var server = new ClockedServer(smtp);
        var (clock, reader, admin) = (server.Clock, server.Reader, server.Admin);

        // At 0 h: "again" asks once; "limit" asks three times in three minutes (the daily limit), each answered by an email.
        await Subscribe(reader, "again@example.org", components: ["ingestion-api"]);
        for (var i = 0; i < 3; i++)
        {
            // A minute apart: a confirmation email's id holds its millisecond, and this clock does not move by itself.
            clock.Advance(TimeSpan.FromMinutes(1));
            await Subscribe(reader, "limit@example.org");
            // Each email out and recorded before the next request: the dispatcher stores the whole subscriber it read after a send,
            // which would undo a request that came in meanwhile (see NOTE-emailproof.md).
            await smtp.WaitFor("limit@example.org", i + 1);
            await Eventually.Until("the email recorded as sent", () => Counts(admin), c => c.GetProperty("emails_pending").GetInt32() == 0);
        }
        var first = await OnlyConfirmLink(smtp, "again@example.org");
        var limited = Link((await smtp.WaitFor("limit@example.org", 3))[0].TextBody, "confirm");

        // At 10 h "limit" asks a fourth time, within the day: no email, so nothing is extended either.
        clock.Advance(TimeSpan.FromHours(10));
        await Subscribe(reader, "limit@example.org");
        // At 40 h "again" asks again, with other choices: a second email, holding the same link.
        clock.Advance(TimeSpan.FromHours(30));
        await Subscribe(reader, "again@example.org", components: ["dashboard"]);
        var second = (await smtp.WaitFor("again@example.org", 2))[1];
        Assert.Equal(first, Link(second.TextBody, "confirm"));
        // A witness asked after the refused request: once its email is out, the refused one would have been too.
        await Subscribe(reader, "witness@example.org");
        await smtp.WaitFor("witness@example.org", 1);
        Assert.Equal(3, smtp.To("limit@example.org").Count);

        // At 50 h: 50 h after both first emails; 10 h after "again"'s newest email; 40 h after "limit"'s refused request.
        clock.Advance(TimeSpan.FromHours(10));
        var stillValid = await reader.PostAsync(Path(first), Form());
        var expired = await reader.PostAsync(Path(limited), Form());

        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        Assert.Contains("Subscription confirmed", await stillValid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        var export = await admin.GetFromJsonAsync<JsonElement>(Api.Url("/api/v1/subscriptions/export"));
        var again = export.EnumerateArray().Single(s => s.GetProperty("email").GetString() == "again@example.org");
        Assert.Equal("confirmed", again.GetProperty("state").GetString());
        Assert.Equal(["dashboard"], again.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
    }
}
