using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Http;

// The ledger cannot be edited, so text the edge now refuses (control characters, noncharacters, lone surrogates) and absurd
// times may already be in one. Written here straight into the store, past every rule; every output must still answer.
public sealed class HostileLedgerTests : IAsyncLifetime
{
    private const string Component = "hostile-component";
    private const string Incident = "2026-11-20-hostile-incident";
    private const string AncientIncident = "2026-11-21-ancient-incident";
    private const string Maintenance = "2026-11-22-hostile-maintenance";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    // NUL, BEL, BS, ESC, DEL, a C1 control, U+FFFE, U+FDD0, U+1FFFF.
    private const string Storable = "a\u0000b\u0007c\u0008d\u001be\u007ff\u0085g\uFFFEh\uFDD0i\uD83F\uDFFFl";

    // And lone surrogates, which only a payload can hold (its JSON escapes them; LiteDB refuses them in a plain string field).
    private const string Hostile = Storable + "\uD800j\uDC00k";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("statuspage-hostile-").FullName;
    private StatusPageFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        using (var store = new LedgerStore(Path.Combine(_dataDir, "statuspage.db")))
        {
            var head = LedgerHead.Empty;
            var at = Now.AddDays(-10);
            void Add(string kind, string subject, IEntryPayload payload, string? body = null)
            {
                var seq = head.Seq + 1;
                var id = LedgerService.NewId();
                var json = PayloadJson.Serialize(payload);
                var hash = LedgerEntry.ComputeHash(seq, id, at, kind, subject, "tester" + Storable, json, head.Hash);
                store.Append([new LedgerEntry(seq, id, at, kind, subject, "tester" + Storable, json, body, head.Hash, hash)]);
                head = new LedgerHead(seq, hash);
            }
            ImmutableSortedDictionary<string, ComponentStatus> Change(ComponentStatus status) =>
                ImmutableSortedDictionary<string, ComponentStatus>.Empty.Add(Component, status);

            Add(EntryKinds.ProviderDeclared, "hostile-provider", new ProviderDeclared("Provider " + Hostile, "https://status.example/" + Hostile));
            Add(EntryKinds.ComponentDeclared, Component, new ComponentDeclared("Name " + Hostile, "Description " + Hostile, null, 99.9m, 99));
            Add(EntryKinds.IncidentOpened, Incident, new IncidentOpened("Title " + Hostile, Impact.Major, [Component], Now.AddDays(-3)));
            var body = "Body " + Storable + "\n\n**bold " + Storable + "**";
            Add(EntryKinds.IncidentUpdatePosted, Incident, new IncidentUpdatePosted(IncidentStatus.Investigating, Now.AddDays(-3),
                LedgerEntry.Sha256Hex(body), Change(ComponentStatus.MajorOutage), DateTimeOffset.MaxValue), body);
            Add(EntryKinds.CauseAttributed, Incident, new CauseAttributed(CauseKind.Upstream, "hostile-provider", "ticket " + Hostile));
            // Times at DateTime's limits: year 1 and year 9999.
            Add(EntryKinds.IncidentOpened, AncientIncident, new IncidentOpened("Ancient " + Hostile, Impact.Minor, [Component],
                DateTimeOffset.MinValue));
            Add(EntryKinds.IncidentUpdatePosted, AncientIncident, new IncidentUpdatePosted(IncidentStatus.Resolved, DateTimeOffset.MinValue,
                LedgerEntry.Sha256Hex(body), Change(ComponentStatus.Operational), null), body);
            Add(EntryKinds.MaintenanceScheduled, Maintenance, new MaintenanceScheduled("Maintenance " + Hostile, [Component],
                DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
            Add(EntryKinds.MaintenanceUpdatePosted, Maintenance, new MaintenanceUpdatePosted(MaintenanceStatus.InProgress,
                Now.AddDays(-1), LedgerEntry.Sha256Hex(body), Change(ComponentStatus.UnderMaintenance)), body);
        }
        _factory = new StatusPageFactory(dataDir: _dataDir, time: new FakeTimeProvider(Now));
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    public static TheoryData<string> Pages =>
    [
        "/", "/history", "/history?page=2", "/history/2026/11", "/history/2000/01", "/uptime",
        $"/incidents/{Incident}",
        $"/incidents/{AncientIncident}", $"/maintenance/{Maintenance}", $"/components/{Component}",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_answers_with_such_text_and_times_in_the_ledger(string path)
    {
        var response = await _client.GetAsync(Api.Url(path));
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        AssertNoForbiddenCharacters(html, path);
    }

    public static TheoryData<string> XmlOutputs =>
    [
        "/history.atom", "/history.rss", $"/components/{Component}/history.atom", $"/components/{Component}/history.rss",
        $"/incidents/{Incident}/history.atom", $"/incidents/{Incident}/history.rss", $"/incidents/{AncientIncident}/history.atom",
        "/badge.svg", $"/components/{Component}/badge.svg", $"/components/{Component}/badge.svg?metric=uptime",
    ];

    [Theory]
    [MemberData(nameof(XmlOutputs))]
    public async Task Feeds_and_badges_stay_well_formed_xml_with_a_replacement_character_instead(string path)
    {
        var response = await _client.GetAsync(Api.Url(path));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        var xml = XDocument.Parse(text);
        Assert.NotNull(xml.Root);
        AssertNoForbiddenCharacters(text, path);
        if (!path.StartsWith("/badge.svg", StringComparison.Ordinal) && !path.EndsWith("uptime", StringComparison.Ordinal))
        {
            Assert.Contains("\uFFFD", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_rss_channel_title_and_description_carry_a_hostile_component_name_cleaned()
    {
        var rss = XDocument.Parse(await _client.GetStringAsync(Api.Url($"/components/{Component}/history.rss")));
        var channel = rss.Root!.Element("channel")!;

        Assert.StartsWith("Name a\uFFFDb\uFFFDc", channel.Element("title")!.Value, StringComparison.Ordinal);
        Assert.Contains("Name a\uFFFDb", channel.Element("description")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_maintenance_calendar_carries_no_control_character()
    {
        var response = await _client.GetAsync(Api.Url("/maintenance.ics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Maintenance a\uFFFDb", text.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        AssertNoForbiddenCharacters(text, "/maintenance.ics");
    }

    public static TheoryData<string> JsonOutputs =>
    [
        "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json", "/api/v2/scheduled-maintenances/upcoming.json",
        "/api/v2/scheduled-maintenances/active.json", "/api/v1/ledger/head",
    ];

    [Theory]
    [MemberData(nameof(JsonOutputs))]
    public async Task The_json_apis_answer_parseable_json(string path)
    {
        var response = await _client.GetAsync(Api.Url(path));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        Assert.NotEqual(JsonValueKind.Undefined, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task The_published_ledger_keeps_the_text_as_recorded_so_it_still_verifies()
    {
        var entries = await _client.Ledger();

        Assert.Contains(entries, e => e.Kind == EntryKinds.ComponentDeclared && e.Subject == Component);
        Assert.Null(ChainVerifier.VerifyAll(entries, out _));
    }

    // Raw control characters (tab and line breaks aside), noncharacters and lone surrogates: none may reach a reader.
    private static void AssertNoForbiddenCharacters(string text, string path)
    {
        var index = SafeText.IndexOfForbidden(text);
        Assert.True(index < 0, $"{path}: U+{(index < 0 ? 0 : text[index]):X4} at {index}: "
            + (index < 0 ? "" : text[Math.Max(0, index - 40)..Math.Min(text.Length, index + 40)]));
    }
}
