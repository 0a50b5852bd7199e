using System.Net;
using System.Text.Json;
using LiteDB;

namespace StatusPage.Tests.Http;

// The sending side under failure: a stop or a SIGKILL during a send round, a relay that refuses us, a relay that is down, and
// two submits at once. Real server, real LiteDB file, real SMTP servers (aiosmtpd) behind a counting TCP front (SmtpGate).
public sealed partial class EmailSubscriptionTests
{
    [Fact]
    public async Task A_server_stopped_during_an_SMTP_exchange_saves_that_email_as_due_and_uncounted_and_sends_it_at_once_after_the_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("statuspage-email-").FullName;
        using var working = new SmtpSink();
        using var slow = new SmtpSink(null, "--delay-data", "60");
        using var gate = new SmtpGate(working);
        var settings = gate.Settings(working);
        // The real retry delay: an attempt wrongly counted by the stop would wait 30–36 s after the restart.
        settings["StatusPage:Email:FirstRetryDelay"] = "00:00:30";
        string incident;
        using (var server = WriteApiServer.OnDataDir(dataDir, settings))
        {
            await SubscribeAndConfirm(server.Client(token: null), working, "ada@example.org");
            gate.ForwardTo(slow);
            (incident, _) = await server.Client().CreateIncident("In flight at the stop");
            // The slow server has the message and holds back its 250: the exchange is in flight when the server stops.
            await slow.WaitFor("ada@example.org", 1);
        }
        using (var db = new LiteDatabase($"Filename={System.IO.Path.Combine(dataDir, "statuspage.db")};Connection=direct"))
        {
            var stored = db.GetCollection("email_deliveries").FindAll().Single(d => d["kind"].AsString == "entry");
            Assert.Equal("pending", stored["state"].AsString);
            Assert.Equal(0, stored["attempts"].AsInt32);
            Assert.Equal(0, db.GetCollection("email_subscribers").FindAll().Single()["bounces"].AsInt32);
        }
        gate.ForwardTo(working);
        using (var server = WriteApiServer.OnDataDir(dataDir, settings))
        {
            // The factory starts its host lazily, on the first client: without one, no server runs at all.
            using var admin = server.Client();
            var sent = (await working.WaitFor("ada@example.org", 2, seconds: 20))[1];
            Assert.Contains("In flight at the stop", sent.Subject, StringComparison.Ordinal);
            // The slow server had it on disk without acknowledging it: the resend is the same message for clients that dedupe.
            Assert.Equal(Assert.Single(slow.To("ada@example.org")).MessageId, sent.MessageId);
            await Eventually.Until("recorded as sent", () => Counts(admin), c => c.GetProperty("emails_pending").GetInt32() == 0);
        }
        _ = incident;
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task A_SIGKILL_during_a_send_round_loses_no_email_and_duplicates_at_most_the_ones_in_flight_with_the_same_Message_ID()
    {
        const int subscribers = 24;
        const int connections = 4;
        var dir = Directory.CreateTempSubdirectory("statuspage-email-kill-").FullName;
        var dataPath = System.IO.Path.Combine(dir, "statuspage.db");
        using var working = new SmtpSink();
        // Writes into the same folder, then holds its 250 for a second: a round of 24 takes ~6 s on 4 connections.
        using var slow = new SmtpSink(working.Folder, "--delay-data", "1");
        using var gate = new SmtpGate(working);
        var settings = gate.Settings(working);
        settings["StatusPage:Email:SubscribesPerTenMinutes"] = "1000";
        settings["StatusPage:Email:Connections"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["StatusPage:Email:FirstRetryDelay"] = "00:00:00.500";
        var args = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        var addresses = Enumerable.Range(0, subscribers).Select(i => $"reader{i:00}@example.org").ToList();
        const string title = "Killed during the send round";
        string updateId;
        using (var server = new ServerProcess(dataPath, args))
        {
            await server.WaitUntilReady();
            foreach (var address in addresses)
            {
                // This client follows the redirect to the "sent" page.
                Assert.Equal(HttpStatusCode.OK, (await Subscribe(server.Client, address)).StatusCode);
            }
            foreach (var address in addresses)
            {
                var confirmation = Assert.Single(await working.WaitFor(address, 1));
                Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(Path(Link(confirmation.TextBody, "confirm")), Form())).StatusCode);
            }
            gate.ForwardTo(slow);
            (_, updateId) = await server.Client.CreateIncident(title);
            await Eventually.Until("a third of the round on disk", () => Task.FromResult(Updates(working, title).Count), n => n >= subscribers / 3);
            server.KillHard();
        }
        var beforeKill = Updates(working, title).Count;
        Assert.True(beforeKill < subscribers, $"the round had finished ({beforeKill}) before the kill");
        gate.ForwardTo(working);

        using var restarted = new ServerProcess(dataPath, args);
        await restarted.WaitUntilReady();
        await Eventually.Until("every subscriber's email", () => Task.FromResult(Updates(working, title)),
            u => addresses.All(a => u.Any(m => m.To.Mailboxes.Single().Address == a)), seconds: 60);
        await Eventually.Until("all recorded as sent", () => Counts(restarted.Client), c => c.GetProperty("emails_pending").GetInt32() == 0);

        var ids = (await (await restarted.Client.GetAsync(Api.Url("/api/v1/subscriptions/export"))).Json()).EnumerateArray()
            .ToDictionary(s => s.GetProperty("email").GetString()!, s => s.GetProperty("id").GetString()!);
        var byAddress = Updates(working, title).GroupBy(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(subscribers, byAddress.Count);
        foreach (var copies in byAddress)
        {
            // Deterministic per subscriber and entry, so a duplicate is recognisable as one.
            Assert.All(copies, m => Assert.Equal($"{ids[copies.Key]}-{updateId}@status.test", m.MessageId));
        }
        var duplicated = byAddress.Count(g => g.Count() > 1);
        Assert.True(byAddress.All(g => g.Count() <= 2), "an email was sent three times");
        Assert.True(duplicated <= connections, $"{duplicated} emails duplicated, more than the {connections} in flight");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_relay_refusing_the_sender_or_relaying_pauses_sending_without_bounces_and_only_a_refused_recipient_bounces()
    {
        using var working = new SmtpSink();
        using var refusesSender = new SmtpSink(null, "--reject-mail-from");
        using var refusesRelay = new SmtpSink(null, "--reject-relay");
        using var refusesBob = new SmtpSink(working.Folder, "--reject-rcpt", "bob@example.org");
        using var gate = new SmtpGate(working);
        using var server = WriteApiServer.With(gate.Settings(working));
        using var admin = server.Client();
        using var reader = server.Client(token: null);
        await SubscribeAndConfirm(reader, working, "ada@example.org");
        await SubscribeAndConfirm(reader, working, "bob@example.org");

        gate.ForwardTo(refusesSender);
        await admin.CreateIncident("While the relay refuses us");
        var counts = await Eventually.Until("two failed probes", () => Counts(admin), c => FailedProbes(c) >= 2);
        Assert.Contains("550 5.7.1 Sender address rejected", SmtpError(counts), StringComparison.Ordinal);
        Assert.Equal(2, counts.GetProperty("emails_pending").GetInt32());

        gate.ForwardTo(refusesRelay);
        counts = await Eventually.Until("relaying refused", () => Counts(admin), c => SmtpError(c)?.Contains("Relay access denied", StringComparison.Ordinal) == true);
        counts = await Eventually.Until("another probe", () => Counts(admin), c => FailedProbes(c) > FailedProbes(counts));
        Assert.Equal(0, counts.GetProperty("bouncing").GetInt32());
        Assert.All(await Export(admin), s => Assert.Equal(0, s.GetProperty("bounces").GetInt32()));

        gate.ForwardTo(refusesBob);
        await working.WaitFor("ada@example.org", 2);
        counts = await Eventually.Until("both emails settled", () => Counts(admin), c => c.GetProperty("emails_pending").GetInt32() == 0);
        Assert.Equal(JsonValueKind.Null, counts.GetProperty("smtp_problem").ValueKind);
        Assert.Equal(1, counts.GetProperty("emails_failed").GetInt32());
        var export = await Export(admin);
        Assert.Equal(1, export.Single(s => s.GetProperty("email").GetString() == "bob@example.org").GetProperty("bounces").GetInt32());
        Assert.Equal(0, export.Single(s => s.GetProperty("email").GetString() == "ada@example.org").GetProperty("bounces").GetInt32());
        var log = (await (await admin.GetAsync(Api.Url("/api/v1/subscriptions/log"))).Json()).EnumerateArray()
            .Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(1, log.Count(e => e == "smtp_failing"));
        Assert.Equal(1, log.Count(e => e == "smtp_recovered"));
    }

    [Fact]
    public async Task While_the_SMTP_server_is_down_a_round_makes_one_connection_attempt_per_probe_not_one_per_email()
    {
        const int subscribers = 6;
        using var working = new SmtpSink();
        using var gate = new SmtpGate(working);
        var settings = gate.Settings(working);
        settings["StatusPage:Email:FirstRetryDelay"] = "00:00:01";
        using var server = WriteApiServer.With(settings);
        using var admin = server.Client();
        using var reader = server.Client(token: null);
        var addresses = Enumerable.Range(0, subscribers).Select(i => $"down{i}@example.org").ToList();
        foreach (var address in addresses)
        {
            await SubscribeAndConfirm(reader, working, address);
        }

        gate.Refuse();
        var before = gate.Accepted;
        await admin.CreateIncident("While the mail server is down");
        await Eventually.Until("the first probe", () => Task.FromResult(gate.Accepted), n => n > before);
        await Eventually.Until("all handed out", () => Counts(admin), c => c.GetProperty("emails_pending").GetInt32() == subscribers);
        // Probes at 0 s, ~1 s and ~3 s (doubling from 1 s); one connection per email per lane would be 6 at once.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        // Counts first: a probe is counted by the gate before the server records its failure.
        var counts = await Counts(admin);
        var probes = gate.Accepted - before;
        Assert.InRange(probes, 1, 3);
        Assert.Equal(subscribers, counts.GetProperty("emails_pending").GetInt32());
        Assert.InRange(FailedProbes(counts), 1, probes);

        gate.ForwardTo(working);
        foreach (var address in addresses)
        {
            Assert.Contains("While the mail server is down", (await working.WaitFor(address, 2))[1].Subject, StringComparison.Ordinal);
        }
        Assert.All(await Export(admin), s => Assert.Equal(0, s.GetProperty("bounces").GetInt32()));
    }

    [Fact]
    public async Task Concurrent_submits_of_one_address_make_one_subscription_and_answer_alike()
    {
        using var smtp = new SmtpSink();
        var settings = smtp.Settings();
        settings["StatusPage:Email:SubscribesPerTenMinutes"] = "1000";
        using var server = WriteApiServer.With(settings);
        using var admin = server.Client();
        var readers = Enumerable.Range(0, 12).Select(_ => server.Client(token: null)).ToList();

        var answers = await Task.WhenAll(readers.Select((r, i) => Subscribe(r, i % 2 == 0 ? "twice@example.org" : "TWICE@example.org ")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.Location).Distinct());
        var only = Assert.Single(await Export(admin));
        Assert.Equal("twice@example.org", only.GetProperty("email").GetString()!.ToLowerInvariant());
        await Eventually.Until("a confirmation", () => Task.FromResult(smtp.Messages().Count), n => n >= 1);
        await Eventually.Until("every email sent", () => Counts(admin), c => c.GetProperty("emails_pending").GetInt32() == 0);
        // The later submits took the known-address path, whose daily limit holds: 3 confirmation emails at most.
        Assert.InRange(smtp.Messages().Count, 1, 3);
        readers.ForEach(r => r.Dispose());
    }

    private static int FailedProbes(JsonElement counts) =>
        counts.GetProperty("smtp_problem") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("failed_probes").GetInt32() : 0;

    private static string? SmtpError(JsonElement counts) =>
        counts.GetProperty("smtp_problem") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("error").GetString() : null;

    private static List<MimeKit.MimeMessage> Updates(SmtpSink sink, string title) =>
        [.. sink.Messages().Where(m => m.Subject?.Contains(title, StringComparison.Ordinal) == true)];

    private static async Task<List<JsonElement>> Export(HttpClient admin) =>
        [.. (await (await admin.GetAsync(Api.Url("/api/v1/subscriptions/export"))).Json()).EnumerateArray()];
}
