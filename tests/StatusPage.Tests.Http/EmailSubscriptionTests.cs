using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace StatusPage.Tests.Http;

// Email subscriptions end to end: the real server, a real LiteDB file and a real SMTP server on loopback (aiosmtpd).
public sealed partial class EmailSubscriptionTests
{
    [Fact]
    public async Task Subscribing_confirms_by_POST_then_sends_one_threaded_email_per_update_and_one_click_unsubscribe_stops_them()
    {
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(smtp.Settings());
        using var client = server.Client();
        using var reader = server.Client(token: null);

        var answer = await Subscribe(reader, "ada@example.org");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var confirmation = Assert.Single(await smtp.WaitFor("ada@example.org", 1));
        Assert.StartsWith("Confirm your subscription", confirmation.Subject, StringComparison.Ordinal);
        Assert.Null(confirmation.Headers[HeaderId.ListUnsubscribe]);
        var confirmLink = Link(confirmation.TextBody, "confirm");

        // Nothing but the confirmation goes to an unconfirmed address; a GET of the link does not confirm.
        var (before, _) = await client.CreateIncident("Before the confirmation");
        var page = await reader.GetAsync(Path(confirmLink));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await Counts(client)).GetProperty("pending").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync(Path(confirmLink), Form())).StatusCode);
        Assert.Equal(1, (await Counts(client)).GetProperty("confirmed").GetInt32());

        var (incident, _) = await client.CreateIncident("Storage cluster unreachable", "We are **looking** into it.");
        var update = (await smtp.WaitFor("ada@example.org", 2))[1];
        Assert.DoesNotContain(smtp.To("ada@example.org"), m => m.Subject?.Contains("Before the confirmation", StringComparison.Ordinal) == true);
        Assert.Equal("[Investigating] Storage cluster unreachable — Tidewater Metrics", update.Subject);
        Assert.Contains("We are **looking** into it.", update.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>looking</strong>", update.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"http://status.test/incidents/{incident}#update-", update.TextBody, StringComparison.Ordinal);
        Assert.Matches("Ingestion API: .+ → Partial outage", update.TextBody);
        Assert.Equal($"{incident}.thread@status.test", update.InReplyTo);
        Assert.Equal([$"{incident}.thread@status.test"], update.References);
        Assert.Equal("\"Tidewater Metrics\" <updates.status.test>", update.Headers[HeaderId.ListId]);
        Assert.Equal("List-Unsubscribe=One-Click", update.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = update.Headers[HeaderId.ListUnsubscribe];
        Assert.Matches("^<http://status.test/subscriptions/unsubscribe/[A-Za-z0-9_-]{43}>$", unsubscribe);
        Assert.Contains("Manage your subscription: http://status.test/subscriptions/manage/", update.TextBody, StringComparison.Ordinal);

        // The next update of the same incident threads with the first.
        Assert.Equal(HttpStatusCode.Created, (await client.Post($"/api/v1/incidents/{incident}/updates",
            new { Status = "identified", Body = "A switch failed." })).StatusCode);
        var second = (await smtp.WaitFor("ada@example.org", 3))[2];
        Assert.Equal("[Identified] Storage cluster unreachable — Tidewater Metrics", second.Subject);
        Assert.Equal(update.InReplyTo, second.InReplyTo);
        Assert.NotEqual(update.MessageId, second.MessageId);

        // A witness subscriber tells when an update has gone out; a GET of the unsubscribe link changes nothing, its POST does.
        await SubscribeAndConfirm(reader, smtp, "witness@example.org");
        var unsubscribeUrl = unsubscribe!.Trim('<', '>');
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(Path(unsubscribeUrl))).StatusCode);
        Assert.Equal(2, (await Counts(client)).GetProperty("confirmed").GetInt32());
        var oneClick = await reader.PostAsync(Path(unsubscribeUrl), Form(("List-Unsubscribe", "One-Click")));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(1, (await Counts(client)).GetProperty("confirmed").GetInt32());
        await client.Post($"/api/v1/incidents/{incident}/updates", new { Status = "monitoring", Body = "Fixed, watching." });
        await smtp.WaitFor("witness@example.org", 2);
        Assert.Equal(3, smtp.To("ada@example.org").Count);
        var log = await (await client.GetAsync(Api.Url("/api/v1/subscriptions/log"))).Json();
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("event").GetString() == "unsubscribed");
        Assert.DoesNotContain("ada@example.org", log.ToString(), StringComparison.Ordinal);
        _ = before;
    }

    [Fact]
    public async Task Hostile_titles_and_Markdown_are_escaped_in_the_HTML_part_and_a_French_subscriber_reads_French()
    {
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(smtp.Settings());
        using var client = server.Client();
        using var reader = server.Client(token: null);
        await SubscribeAndConfirm(reader, smtp, "marie@example.org", lang: "fr");

        await client.CreateIncident("<script>alert(1)</script> & \"quotes\"",
            "<img src=x onerror=alert(1)> [click](javascript:alert(2)) <b>bold</b>");
        var email = (await smtp.WaitFor("marie@example.org", 2))[1];

        Assert.Equal("[Analyse en cours] <script>alert(1)</script> & \"quotes\" — Tidewater Metrics", email.Subject);
        Assert.DoesNotContain("<script>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Gérer votre abonnement", email.TextBody, StringComparison.Ordinal);
        Assert.Matches("Ingestion API: .+ → Panne partielle", email.TextBody);
        Assert.Contains("Se désabonner", WebUtility.HtmlDecode(email.HtmlBody), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Component_filters_and_following_one_incident_choose_who_gets_which_update()
    {
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(smtp.Settings());
        using var client = server.Client();
        using var reader = server.Client(token: null);
        var (followed, _) = await client.CreateIncident("The followed incident");
        await SubscribeAndConfirm(reader, smtp, "ingestion@example.org", components: ["ingestion-api"]);
        await SubscribeAndConfirm(reader, smtp, "dashboard@example.org", components: ["dashboard"]);
        await SubscribeAndConfirm(reader, smtp, "follower@example.org", incident: followed);

        await client.CreateIncident("Ingestion only");
        await client.Post($"/api/v1/incidents/{followed}/updates", new { Status = "identified", Body = "Found it." });
        var follower = (await smtp.WaitFor("follower@example.org", 2))[1];
        var ingestion = await smtp.WaitFor("ingestion@example.org", 3);

        Assert.Equal("[Identified] The followed incident — Tidewater Metrics", follower.Subject);
        Assert.Equal(["[Identified] The followed incident — Tidewater Metrics", "[Investigating] Ingestion only — Tidewater Metrics"],
            ingestion.Skip(1).Select(m => m.Subject).Order(StringComparer.Ordinal));
        await Eventually.Until("every email sent", () => Counts(client), c => c.GetProperty("emails_pending").GetInt32() == 0);
        Assert.Single(smtp.To("dashboard@example.org"));
        Assert.Equal(2, smtp.To("follower@example.org").Count);
    }

    [Fact]
    public async Task The_answer_is_the_same_for_new_and_known_addresses_and_both_rate_limits_hold()
    {
        using var smtp = new SmtpSink();
        var settings = smtp.Settings();
        settings["StatusPage:Email:SubscribesPerTenMinutes"] = "8";
        using var server = WriteApiServer.With(settings);
        using var reader = server.Client(token: null);
        await SubscribeAndConfirm(reader, smtp, "known@example.org");

        var known = await Subscribe(reader, "known@example.org");
        var fresh = await Subscribe(reader, "fresh@example.org");
        Assert.Equal(known.StatusCode, fresh.StatusCode);
        Assert.Equal(known.Headers.Location, fresh.Headers.Location);
        var knownPage = await (await reader.GetAsync(known.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Equal(knownPage, await (await reader.GetAsync(fresh.Headers.Location)).Content.ReadAsStringAsync());
        // The known address's owner gets its manage link, not a second confirmation.
        var notice = (await smtp.WaitFor("known@example.org", 2))[1];
        Assert.Contains("/subscriptions/manage/", notice.TextBody, StringComparison.Ordinal);

        // Per address: 3 confirmation emails a day, whatever is asked (4 requests so far for fresh@ after these 3).
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Subscribe(reader, "fresh@example.org")).StatusCode);
        }
        await smtp.WaitFor("fresh@example.org", 3);
        // Per client address: 8 posts in 10 minutes (6 so far), the 9th is refused.
        var accepted = 0;
        while ((await Subscribe(reader, $"other{accepted}@example.org")).StatusCode == HttpStatusCode.Redirect && accepted < 20)
        {
            accepted++;
        }
        Assert.Equal(2, accepted);
        Assert.Equal(3, smtp.To("fresh@example.org").Count);
    }

    [Fact]
    public async Task An_unconfirmed_subscription_expires_after_48_hours()
    {
        using var smtp = new SmtpSink();
        await using var server = new ClockedServer(smtp);
        var (clock, reader, admin) = (server.Clock, server.Reader, server.Admin);
        await Subscribe(reader, "late@example.org");
        await Subscribe(reader, "early@example.org");
        var late = await OnlyConfirmLink(smtp, "late@example.org");
        var early = await OnlyConfirmLink(smtp, "early@example.org");

        clock.Advance(TimeSpan.FromHours(47));
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync(Path(early), Form())).StatusCode);
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await reader.PostAsync(Path(late), Form());

        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Contains("no longer valid", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Each probe moves the clock on past the dispatcher's fallback wake-up, so a round runs whenever its timer was armed.
        var counts = await Eventually.Until("the expired subscription deleted", () =>
        {
            clock.Advance(TimeSpan.FromSeconds(31));
            return Counts(admin);
        },
            c => c.GetProperty("pending").GetInt32() == 0);
        Assert.Equal(1, counts.GetProperty("confirmed").GetInt32());
    }

    [Theory]
    [InlineData("fr", "lang=\"fr\"")]
    [InlineData("en", "lang=\"en\"")]
    public async Task The_page_after_subscribing_answers_in_the_language_of_the_form(string language, string htmlLang)
    {
        using var smtp = new SmtpSink();
        using var server = WriteApiServer.With(smtp.Settings());
        using var reader = server.Client(token: null);

        var answer = await Subscribe(reader, "lang@example.org", lang: language);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var page = await reader.GetAsync(answer.Headers.Location);

        // Not redirected again by the site's ?lang= switch, and in the form's language.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(htmlLang, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // The real server on a fake clock that moves only when told, sending through the sink: a reader and an admin client.
    private sealed class ClockedServer : IAsyncDisposable
    {
        private readonly StatusPageFactory _root;
        private readonly WebApplicationFactory<Program> _factory;

        public ClockedServer(SmtpSink smtp)
        {
            _root = new StatusPageFactory(time: Clock);
            _factory = _root.WithWebHostBuilder(builder =>
            {
                builder.UseSetting("STATUSPAGE_ADMIN_TOKEN", WriteApiServer.AdminToken);
                foreach (var (key, value) in smtp.Settings())
                {
                    builder.UseSetting(key, value);
                }
            });
            Reader = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            Admin = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            Admin.DefaultRequestHeaders.Authorization = new("Bearer", WriteApiServer.AdminToken);
        }

        public FakeTimeProvider Clock { get; } = new(StatusPageFactory.DemoNow);

        public HttpClient Reader { get; }

        public HttpClient Admin { get; }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            Reader.Dispose();
            await _factory.DisposeAsync();
            await _root.DisposeAsync();
        }
    }

    private static async Task<System.Text.Json.JsonElement> Counts(HttpClient admin) =>
        await (await admin.GetAsync(Api.Url("/api/v1/subscriptions"))).Json();

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static Task<HttpResponseMessage> Subscribe(HttpClient reader, string email, string lang = "en", string[]? components = null,
        string? incident = null)
    {
        var fields = new List<(string, string)> { ("email", email), ("lang", lang) };
        fields.AddRange((components ?? []).Select(c => ("components", c)));
        if (incident is not null)
        {
            fields.Add(("incident", incident));
        }
        return reader.PostAsync(Api.Url("/subscriptions"), Form([.. fields]));
    }

    private static async Task SubscribeAndConfirm(HttpClient reader, SmtpSink smtp, string email, string lang = "en", string[]? components = null,
        string? incident = null)
    {
        var before = smtp.To(email).Count;
        Assert.Equal(HttpStatusCode.Redirect, (await Subscribe(reader, email, lang, components, incident)).StatusCode);
        var confirmation = (await smtp.WaitFor(email, before + 1))[before];
        Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync(Path(Link(confirmation.TextBody, "confirm")), Form())).StatusCode);
    }

    // The confirmation link of the one email an address has been sent.
    private static async Task<string> OnlyConfirmLink(SmtpSink smtp, string email) =>
        Link(Assert.Single(await smtp.WaitFor(email, 1)).TextBody, "confirm");

    private static string Link(string? text, string kind) => LinkPattern().Matches(text ?? "").Select(m => m.Value)
        .First(url => url.Contains($"/subscriptions/{kind}/", StringComparison.Ordinal));

    private static Uri Path(string absolute) => new(new Uri(absolute).PathAndQuery, UriKind.Relative);

    [GeneratedRegex(@"http://status\.test/\S+")]
    private static partial Regex LinkPattern();
}
