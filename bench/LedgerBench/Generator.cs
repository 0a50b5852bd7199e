using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Operators;

namespace StatusPage.Bench;

// Writes a plausible history through the real write path (LedgerService.AppendAsync, History/Rules.cs), one command per
// transaction, exactly as the API and content ingestion do. The fake clock moves forward between commands; stated times
// lie a little in the past of that clock, as an operator's would. Deterministic for a given seed.
internal sealed class Generator(LedgerStore store, LedgerService ledger, FakeTimeProvider clock, long target, int seed)
{
    public static readonly DateTimeOffset ClockStart = new(2016, 1, 4, 8, 0, 0, TimeSpan.Zero);

    // The mean clock advance per entry of the 100,000-entry ledger (2016-01-04 to 2026-10-31).
    private static readonly TimeSpan MeanGap = TimeSpan.FromMinutes(56.9);

    // Where a ledger of `target` entries starts so that every size ends near the same date (the 100,000-entry ledger's end) with
    // the same density of recent incidents: a scale table then compares short and long histories, not quiet and busy sites.
    // 100,000 entries and more start at ClockStart (the ledgers measured before this rule are unchanged).
    public static DateTimeOffset ClockStartFor(long target) => target >= 100_000 ? ClockStart : ClockStart + MeanGap * (100_000 - target);

    // The largest number of entries one incident can write (open + cause + 4 updates + reopen + resolve + 2 corrections
    // + postmortem + redaction), so a new incident only starts when it fits before the target.
    private const int MaxIncidentEntries = 16;

    // Operators created first (as an installation has them, so the server's first-start admin bootstrap appends nothing).
    private static readonly (string Name, OperatorRole Role)[] Operators =
        [("admin", OperatorRole.Admin), ("m.laurent", OperatorRole.Operator), ("oncall", OperatorRole.Operator)];

    private static readonly string[] Authors = ["admin", "m.laurent", "oncall"];

    private static readonly (string Id, string Name, string Group)[] ComponentDefs =
    [
        ("ingestion-api", "Ingestion API", "api"),
        ("query-api", "Query API", "api"),
        ("alerting", "Alert evaluation", "api"),
        ("storage-cluster", "Storage cluster", "infrastructure"),
        ("coordination-service", "Coordination service", "infrastructure"),
        ("private-network", "Private network between data centers", "infrastructure"),
        ("dashboard", "Web dashboard", "web"),
        ("docs", "Documentation site", "web"),
    ];

    private static readonly string[] Problems =
    [
        "Elevated error rates on", "Increased latency on", "Partial outage of", "Degraded performance of",
        "Intermittent timeouts on", "Delayed processing in",
    ];

    private static readonly string[] Sentences =
    [
        "We are investigating reports of errors for a subset of tenants.",
        "Requests to the affected endpoint fail with HTTP 503 for about one in five calls.",
        "Writes are accepted and queued; no data has been lost.",
        "The on-call engineer has been paged and is looking at the storage nodes in FRA1.",
        "We have identified a misconfigured load balancer pool as the cause and are rolling the change back.",
        "Replication between FRA1 and AMS2 is lagging by several minutes and catching up.",
        "A deployment at 14:02 UTC introduced a regression in query planning; it has been reverted.",
        "Dashboards may show gaps for the affected period until the backfill completes.",
        "Alert evaluations were delayed by up to 12 minutes; no alerts were dropped.",
        "Our upstream provider has confirmed a network incident in the region and is working on it.",
        "Error rates are back to normal and we are monitoring the recovery.",
        "We will post a full postmortem once the investigation is complete.",
        "Customers using single sign-on may need to log in again.",
        "The fix has been deployed to all regions and latency is back within the usual range.",
        "We are adding capacity to the coordination service to prevent a recurrence.",
        "No action is needed on your side.",
    ];

    private readonly Random _random = new(seed);
    private int _incidents;
    private int _maintenances;

    public long Commands { get; private set; }

    public int Corrections { get; private set; }

    public int Redactions { get; private set; }

    private long Remaining => target - ledger.Current.Head.Seq;

    public async Task RunAsync(Action<long> progress)
    {
        await DeclareAsync();
        while (Remaining > 0)
        {
            var roll = _random.NextDouble();
            if (Remaining < MaxIncidentEntries)
            {
                await StatusBlipAsync(single: true);
            }
            else if (roll < 0.86)
            {
                await IncidentAsync();
            }
            else if (roll < 0.94)
            {
                await MaintenanceAsync();
            }
            else
            {
                await StatusBlipAsync(single: false);
            }
            progress(ledger.Current.Head.Seq);
        }
    }

    private async Task DeclareAsync()
    {
        var credentials = new CredentialStore(store, new PasswordHasher<string>());
        foreach (var (name, role) in Operators)
        {
            await AppendAsync(new CreateOperator(name, role, credentials.Save(name, $"bench-password-{name}-{seed}"), MustChange: false),
                role == OperatorRole.Admin ? "system" : "admin");
        }
        await AppendAsync(new CreateApiToken(LedgerService.NewId(), "deploy-bot", "admin", ApiTokens.Hash(ApiTokens.NewToken())), "admin");
        const string author = "content/site.yml";
        await AppendAsync(new DeclareProvider("halden", "Halden Hosting", "https://status.halden.example"), author);
        await AppendAsync(new DeclareProvider("brightwave", "Brightwave Edge", "https://status.brightwave.example"), author);
        var position = 0;
        foreach (var group in ComponentDefs.Select(c => c.Group).Distinct())
        {
            await AppendAsync(new DeclareGroup(group, CultureInfo.InvariantCulture.TextInfo.ToTitleCase(group), position++), author);
            foreach (var (id, name, _) in ComponentDefs.Where(c => c.Group == group))
            {
                await AppendAsync(new DeclareComponent(id, name, $"{name} ({group})", group, 99.9m, position++), author);
            }
        }
    }

    private async Task IncidentAsync()
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"inc-{++_incidents:D6}");
        var author = Authors[_random.Next(Authors.Length)];
        Advance(30, 420);
        var now = clock.GetUtcNow();
        var affected = PickComponents();
        var degraded = affected.ToImmutableSortedDictionary(c => c, _ => Degraded(), StringComparer.Ordinal);
        var startedAt = now - TimeSpan.FromMinutes(_random.Next(3, 25));
        var statedAt = now - TimeSpan.FromSeconds(_random.Next(0, 120));
        var impact = (Impact)_random.Next(0, 4);
        var causeRoll = _random.NextDouble();
        var cause = causeRoll < 0.25 ? new CauseInput(CauseKind.Upstream, _random.Next(2) == 0 ? "halden" : "brightwave",
                string.Create(CultureInfo.InvariantCulture, $"HH-{_random.Next(1_000_000, 9_999_999)}"))
            : causeRoll < 0.6 ? new CauseInput(CauseKind.Internal)
            : null;
        var title = $"{Problems[_random.Next(Problems.Length)]} {ComponentDefs.First(c => c.Id == affected[0]).Name}";
        var opened = await AppendAsync(new OpenIncident(id, title, impact, IncidentStatus.Investigating, Body(), degraded, cause,
            startedAt, statedAt, statedAt.AddMinutes(30), affected), author);
        var posts = new List<(string Id, DateTimeOffset StatedAt)> { (PostId(opened), statedAt) };
        var latest = statedAt;

        var middle = _random.Next(1, 5);
        for (var i = 0; i < middle; i++)
        {
            var status = i == middle - 1 ? IncidentStatus.Monitoring : (IncidentStatus)_random.Next(0, 2);
            var components = status == IncidentStatus.Monitoring
                ? affected.ToImmutableSortedDictionary(c => c, _ => ComponentStatus.Operational, StringComparer.Ordinal)
                : _random.Next(3) == 0 ? degraded : null;
            latest = Stated(latest, 5, 45);
            var update = await AppendAsync(new PostUpdate(id, status, Body(), components, latest,
                status == IncidentStatus.Monitoring ? null : latest.AddMinutes(30)), author);
            posts.Add((PostId(update), latest));
        }
        latest = Stated(latest, 10, 60);
        var resolved = await AppendAsync(new PostUpdate(id, IncidentStatus.Resolved, Body(), StatedAt: latest), author);
        posts.Add((PostId(resolved), latest));

        if (_random.NextDouble() < 0.02)
        {
            latest = Stated(latest, 20, 120);
            var reopened = await AppendAsync(new ReopenIncident(id, IncidentStatus.Investigating, Body(), degraded, latest), author);
            posts.Add((PostId(reopened), latest));
            latest = Stated(latest, 10, 60);
            var again = await AppendAsync(new PostUpdate(id, IncidentStatus.Resolved, Body(), StatedAt: latest), author);
            posts.Add((PostId(again), latest));
        }
        var corrections = _random.NextDouble() < 0.12 ? _random.Next(1, 3) : 0;
        for (var i = 0; i < corrections; i++)
        {
            var target = posts[_random.Next(posts.Count)];
            latest = Stated(latest, 2, 30);
            await AppendAsync(new CorrectPost(target.Id, Body(), "Corrected the affected region and times.", latest), author);
            Corrections++;
        }
        if (impact >= Impact.Major && _random.NextDouble() < 0.3)
        {
            latest = Stated(latest, 60, 360);
            await AppendAsync(new PublishPostmortem(id, Body(8, 20), latest), author);
        }
        if (_random.NextDouble() < 0.005)
        {
            var target = posts[_random.Next(posts.Count)];
            await AppendAsync(new RedactPost(target.Id, "Contained a customer's name."), "admin");
            Redactions++;
        }
    }

    private async Task MaintenanceAsync()
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"mnt-{++_maintenances:D5}");
        const string author = "m.laurent";
        Advance(30, 300);
        var now = clock.GetUtcNow();
        var affected = PickComponents();
        var scheduledFor = now.AddMinutes(_random.Next(30, 120));
        var scheduledUntil = scheduledFor.AddHours(_random.Next(1, 4));
        await AppendAsync(new ScheduleMaintenance(id, $"Planned maintenance of {affected[0]}", affected, scheduledFor, scheduledUntil,
            Body(), now), author);
        if (_random.NextDouble() < 0.1)
        {
            Advance(5, 20);
            await AppendAsync(new PostMaintenanceUpdate(id, MaintenanceStatus.Cancelled, Body(), StatedAt: clock.GetUtcNow()), author);
            return;
        }
        clock.SetUtcNow(scheduledFor);
        await AppendAsync(new PostMaintenanceUpdate(id, MaintenanceStatus.InProgress, Body(), StatedAt: scheduledFor), author);
        clock.SetUtcNow(scheduledUntil - TimeSpan.FromMinutes(_random.Next(0, 30)));
        await AppendAsync(new PostMaintenanceUpdate(id, MaintenanceStatus.Completed, Body(), StatedAt: clock.GetUtcNow()), author);
    }

    // A component-level change without an incident (e.g. set from the admin page), and its return to operational.
    private async Task StatusBlipAsync(bool single)
    {
        var component = ComponentDefs[_random.Next(ComponentDefs.Length)].Id;
        Advance(10, 120);
        await AppendAsync(new SetComponentStatus(component, single && _random.Next(2) == 0 ? ComponentStatus.Operational : Degraded(),
            clock.GetUtcNow().AddMinutes(-1)), "oncall");
        if (!single)
        {
            Advance(5, 60);
            await AppendAsync(new SetComponentStatus(component, ComponentStatus.Operational, clock.GetUtcNow()), "oncall");
        }
    }

    private async Task<AppendResult> AppendAsync(HistoryCommand command, string author)
    {
        var result = await ledger.AppendAsync(command, author);
        Commands++;
        if (result.Violation is { } violation)
        {
            throw new InvalidOperationException(
                $"the generator sent a command the rules refuse: {command.GetType().Name}: {violation.Field} {violation.Rule}: {violation.Message}");
        }
        if (result.Entries.IsEmpty)
        {
            throw new InvalidOperationException($"{command.GetType().Name} wrote nothing");
        }
        return result;
    }

    private static string PostId(AppendResult result) =>
        result.Entries.First(e => e.Kind is EntryKinds.IncidentUpdatePosted or EntryKinds.IncidentReopened).Id;

    // Moves the clock on, then states the post a little before "now" but never before the latest post of the timeline.
    private DateTimeOffset Stated(DateTimeOffset latest, int minMinutes, int maxMinutes)
    {
        Advance(minMinutes, maxMinutes);
        var stated = clock.GetUtcNow() - TimeSpan.FromSeconds(_random.Next(0, 90));
        return LedgerEntry.TruncateToMilliseconds(stated > latest ? stated : latest);
    }

    private void Advance(int minMinutes, int maxMinutes) =>
        clock.Advance(TimeSpan.FromMinutes(_random.Next(minMinutes, maxMinutes)) + TimeSpan.FromMilliseconds(_random.Next(0, 60_000)));

    private ImmutableArray<string> PickComponents()
    {
        var first = ComponentDefs[_random.Next(ComponentDefs.Length)].Id;
        var second = ComponentDefs[_random.Next(ComponentDefs.Length)].Id;
        return _random.Next(3) == 0 && second != first ? [first, second] : [first];
    }

    private ComponentStatus Degraded() => (ComponentStatus)_random.Next(1, 4);

    private string Body(int minSentences = 1, int maxSentences = 5)
    {
        var builder = new StringBuilder();
        var count = _random.Next(minSentences, maxSentences + 1);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 3 == 0 ? "\n\n" : " ");
            }
            builder.Append(Sentences[_random.Next(Sentences.Length)]);
        }
        return builder.ToString();
    }
}
