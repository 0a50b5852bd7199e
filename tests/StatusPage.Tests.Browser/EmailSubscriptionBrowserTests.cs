using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using StatusPage.Tests.Http;

namespace StatusPage.Tests.Browser;

// Email subscriptions as a reader lives them: real Chromium with JavaScript off, the real server on a loopback port (fixed demo
// clock), a real SMTP server (tools/smtp_sink.py), messages parsed back with MimeKit. Links in emails point at
// StatusPage:PublicUrl (http://status.test/); the browser opens the same path on the test server.
public sealed partial class EmailSubscriptionBrowserTests(EmailSiteFixture fixture) : IClassFixture<EmailSiteFixture>
{
    private SmtpSink Smtp => fixture.Smtp;

    [Fact]
    public async Task A_reader_subscribes_without_JavaScript_confirms_from_the_email_gets_one_email_per_update_and_one_click_unsubscribe_stops_them()
    {
        const string Reader = "reader@example.org";
        using var api = fixture.AdminClient();
        await fixture.SubscribeAndConfirmByHttp(api, "witness-all@example.org");
        await using var context = await PublicPages.NewContextWithoutJavaScriptAsync(fixture.Site);

        // The footer form of the home page, posted by the browser itself.
        var home = await PublicPages.OpenAsync(context, "/");
        var form = home.Locator("footer form#subscribe");
        await form.Locator("input[name=email]").FillAsync(Reader);
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(home).ToHaveURLAsync(PublicPages.At("/subscriptions/sent?language=en"));
        Assert.Equal("Check your inbox", await home.Locator("main h1").InnerTextAsync());

        // The confirmation: a link in both parts; a GET of it shows a button, the button confirms.
        var confirmation = Assert.Single(await Smtp.WaitFor(Reader, 1));
        Assert.Equal("Confirm your subscription — Tidewater Metrics", confirmation.Subject);
        var confirmLink = Link(confirmation.TextBody, "confirm");
        Assert.Contains($"href=\"{confirmLink}\"", confirmation.HtmlBody, StringComparison.Ordinal);
        var confirmPage = await PublicPages.OpenAsync(context, EmailSiteFixture.OnServer(confirmLink));
        Assert.Equal("Confirm your subscription", await confirmPage.Locator("main h1").InnerTextAsync());
        Assert.Equal("pending", await EmailSiteFixture.StateOf(api, Reader));
        await confirmPage.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(confirmPage.Locator("main h1")).ToHaveTextAsync("Subscription confirmed");
        Assert.Equal("confirmed", await EmailSiteFixture.StateOf(api, Reader));

        // An update through the write API: exactly one email, with both parts and the update's permalink.
        var (incident, updateId) = await CreateIncident(api, "Storage cluster unreachable", "Writes *fail* on **fra1**; reads work.");
        var update = (await Smtp.WaitFor(Reader, 2))[1];
        await EmailSiteFixture.AllSent(api);
        Assert.Equal(2, Smtp.To(Reader).Count);
        Assert.Equal("[Investigating] Storage cluster unreachable — Tidewater Metrics", update.Subject);
        Assert.Contains("Writes *fail* on **fra1**; reads work.", update.TextBody, StringComparison.Ordinal);
        Assert.Contains("<em>fail</em> on <strong>fra1</strong>", update.HtmlBody, StringComparison.Ordinal);
        var permalink = $"http://status.test/incidents/{incident}#update-{updateId}";
        Assert.Contains(permalink, update.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{permalink}\"", update.HtmlBody, StringComparison.Ordinal);
        var permalinkPage = await PublicPages.OpenAsync(context, EmailSiteFixture.OnServer(permalink));
        Assert.Contains("Writes fail on fra1", PublicPages.Squash(await permalinkPage.Locator($"#update-{updateId}").InnerTextAsync()),
            StringComparison.Ordinal);

        // RFC 8058 one-click: what a mail provider posts to the List-Unsubscribe URL, nothing else.
        Assert.Equal("List-Unsubscribe=One-Click", update.Headers["List-Unsubscribe-Post"]);
        var unsubscribeUrl = update.Headers[HeaderId.ListUnsubscribe]!.Trim('<', '>');
        Assert.StartsWith("http://status.test/subscriptions/unsubscribe/", unsubscribeUrl, StringComparison.Ordinal);
        using var mailProvider = new HttpClient { BaseAddress = fixture.Site.BaseAddress };
        using var oneClick = await mailProvider.PostAsync(new Uri(EmailSiteFixture.OnServer(unsubscribeUrl), UriKind.Relative),
            new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Contains("Unsubscribed", await oneClick.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The next update: the witness (every component) receiving it and nothing pending means the dispatcher has handed that
        // entry out to every subscriber and sent what it queued; the unsubscribed reader got nothing more.
        var witnessBefore = Smtp.To("witness-all@example.org").Count;
        using var second = await api.PostAsJsonAsync($"/api/v1/incidents/{incident}/updates", new { status = "identified", body = "A switch failed." });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var witnessed = (await Smtp.WaitFor("witness-all@example.org", witnessBefore + 1))[witnessBefore];
        Assert.Equal("[Identified] Storage cluster unreachable — Tidewater Metrics", witnessed.Subject);
        await EmailSiteFixture.AllSent(api);
        Assert.Equal(2, Smtp.To(Reader).Count);
        var log = await api.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions/log");
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("event").GetString() == "unsubscribed");
        Assert.DoesNotContain(Reader, log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Following_one_incident_from_its_page_without_JavaScript_sends_that_incident_only()
    {
        const string Follower = "follower@example.org";
        using var api = fixture.AdminClient();
        var (followed, _) = await CreateIncident(api, "Dashboard charts are empty", "Looking into it.");
        var (other, _) = await CreateIncident(api, "Another incident nobody follows", "Unrelated.");
        await using var context = await PublicPages.NewContextWithoutJavaScriptAsync(fixture.Site);

        var page = await PublicPages.OpenAsync(context, $"/incidents/{followed}");
        var form = page.Locator("form#follow");
        Assert.StartsWith("Follow this incident only", PublicPages.Squash(await form.Locator("label").InnerTextAsync()), StringComparison.Ordinal);
        await form.Locator("input[name=email]").FillAsync(Follower);
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(PublicPages.At("/subscriptions/sent?language=en"));
        var confirmation = Assert.Single(await Smtp.WaitFor(Follower, 1));
        var confirmPage = await PublicPages.OpenAsync(context, EmailSiteFixture.OnServer(Link(confirmation.TextBody, "confirm")));
        await confirmPage.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(confirmPage.Locator("main h1")).ToHaveTextAsync("Subscription confirmed");

        // The other incident's update comes first in the ledger: once the followed one's email is out, it was considered too.
        using var unrelated = await api.PostAsJsonAsync($"/api/v1/incidents/{other}/updates", new { status = "identified", body = "Found it." });
        Assert.Equal(HttpStatusCode.Created, unrelated.StatusCode);
        using var mine = await api.PostAsJsonAsync($"/api/v1/incidents/{followed}/updates", new { status = "identified", body = "A cache node." });
        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        var update = (await Smtp.WaitFor(Follower, 2))[1];
        await EmailSiteFixture.AllSent(api);

        Assert.Equal(2, Smtp.To(Follower).Count);
        Assert.Equal("[Identified] Dashboard charts are empty — Tidewater Metrics", update.Subject);
        Assert.Equal($"{followed}.thread@status.test", update.InReplyTo);
    }

    // What a subscriber sees: the HTML parts as a mail client without scripts shows them, at a desk and on a phone. Full-page PNGs go
    // to test-output/email-*.png; a long title, hostile Markdown (a table, a long code line, raw HTML) and French must all fit.
    [Fact]
    public async Task The_HTML_part_of_an_update_and_of_a_confirmation_fits_1280_and_375_px_and_runs_nothing()
    {
        using var api = fixture.AdminClient();
        await fixture.SubscribeAndConfirmByHttp(api, "desk@example.org");
        await fixture.SubscribeAndConfirmByHttp(api, "lecteur@example.org", lang: "fr");
        await CreateIncident(api,
            "Ingestion API rejects batches from eu-central-1 with HTTP 503 (upstream Halden ticket HLD-2026-11-24-0042-INGESTIONGATEWAYTIMEOUTS) <script>alert(1)</script>",
            """
            We are **investigating** elevated `503` answers on `POST /v1/batches`. <img src=x onerror=alert(1)> <script>alert(2)</script>

            | region | error rate | since |
            |---|---|---|
            | eu-central-1 | 38 % | 11:52 UTC |
            | eu-west-3 | 2 % | 11:58 UTC |

            ```
            curl -sS -X POST https://ingest.tidewater.example/v1/batches -H 'Content-Type: application/json' --data-binary @batch-0042.json
            ```

            Details: https://status.halden.example/incidents/HLD-2026-11-24-0042/a-very-long-path-that-does-not-break-anywhere-at-all
            [click me](javascript:alert(3))
            """);
        var desk = (await Smtp.WaitFor("desk@example.org", 2))[1];
        var french = (await Smtp.WaitFor("lecteur@example.org", 2))[1];
        var emails = new[] { ("update-en", desk), ("update-fr", french), ("confirmation-en", Smtp.To("desk@example.org")[0]) };

        var problems = new List<string>();
        foreach (var width in new[] { 1280, 375 })
        {
            await using var context = await fixture.Site.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                JavaScriptEnabled = false,
                ViewportSize = new ViewportSize { Width = width, Height = 700 },
                DeviceScaleFactor = 1,
            });
            foreach (var (name, email) in emails)
            {
                var page = await context.NewPageAsync();
                await page.SetContentAsync(email.HtmlBody!);
                var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                if (scrollWidth > width)
                {
                    problems.Add($"{name} at {width} px scrolls sideways: scrollWidth {scrollWidth}");
                }
                Assert.Equal(0, await page.Locator("script, img, iframe, object, embed, [onerror], [onclick]").CountAsync());
                var hrefs = await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.href)");
                Assert.All(hrefs, href => Assert.Matches("^(https?|mailto):", href));
                await Screenshots.SaveFullPageAsync(page, $"email-{name}-{width}.png", width, 700);
                await page.CloseAsync();
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains("Analyse en cours", french.HtmlBody, StringComparison.Ordinal);
    }

    private static async Task<(string Id, string UpdateId)> CreateIncident(HttpClient api, string title, string body)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/incidents", new
        {
            title,
            impact = "major",
            status = "investigating",
            body,
            components = new Dictionary<string, string> { ["ingestion-api"] = "partial_outage" },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {created}");
        return (created.GetProperty("id").GetString()!, created.GetProperty("update_id").GetString()!);
    }

    public static string Link(string? text, string kind) => LinkPattern().Matches(text ?? "").Select(m => m.Value)
        .First(url => url.Contains($"/subscriptions/{kind}/", StringComparison.Ordinal));

    [GeneratedRegex(@"http://status\.test/\S+")]
    private static partial Regex LinkPattern();
}

// One SMTP sink, one server with email on (links under http://status.test/, an admin token) and one Chromium for the class.
public sealed class EmailSiteFixture : IAsyncLifetime
{
    public const string AdminToken = "sp_browser-email-admin-token-0123456789abcdefghij";
    public const string PublicUrl = "http://status.test/";

    public EmailSiteFixture()
    {
        Smtp = new SmtpSink();
        var settings = Smtp.Settings(PublicUrl);
        settings["STATUSPAGE_ADMIN_TOKEN"] = AdminToken;
        Site = new EmailSite(settings);
    }

    public SmtpSink Smtp { get; }

    public ServerAndBrowser Site { get; }

    public Task InitializeAsync() => Site.InitializeAsync();

    // An email's link, as a path on the test server.
    public static string OnServer(string link)
    {
        Assert.StartsWith(PublicUrl, link, StringComparison.Ordinal);
        return "/" + link[PublicUrl.Length..];
    }

    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = Site.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    // The admin counts say no email is waiting to be sent (or retried).
    public static Task AllSent(HttpClient admin) => Eventually.Until("no email pending",
        () => admin.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions"), c => c.GetProperty("emails_pending").GetInt32() == 0);

    // The subscriber's state from the admin export (addresses are only ever shown to admins).
    public static async Task<string?> StateOf(HttpClient admin, string email) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/subscriptions/export")).EnumerateArray()
            .Where(s => s.GetProperty("email").GetString() == email).Select(s => s.GetProperty("state").GetString()).SingleOrDefault();

    // A subscriber the way a script would do it (the form's fields, then the confirmation link's POST).
    public async Task SubscribeAndConfirmByHttp(HttpClient client, string email, string lang = "en")
    {
        using var answer = await client.PostAsync(new Uri("/subscriptions", UriKind.Relative),
            new FormUrlEncodedContent([new("email", email), new("lang", lang)]));
        Assert.True(answer.IsSuccessStatusCode || answer.StatusCode == HttpStatusCode.Redirect, $"subscribe answered {answer.StatusCode}");
        var confirmation = Assert.Single(await Smtp.WaitFor(email, 1));
        using var confirmed = await client.PostAsync(new Uri(OnServer(EmailSubscriptionBrowserTests.Link(confirmation.TextBody, "confirm")),
            UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await Site.DisposeAsync();
        Smtp.Dispose();
    }

    private sealed class EmailSite(IReadOnlyDictionary<string, string> settings)
        : ServerAndBrowser(new StatusPageFactory(kestrel: true, settings: settings));
}
