using System.Net;
using System.Text.Json;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

public sealed class WriteApiTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private static readonly string[] StorageCluster = ["storage-cluster"];
    private static readonly string[] UnknownComponent = ["nope"];

    private readonly HttpClient _client = server.Client();

    [Fact]
    public async Task Creating_an_incident_answers_201_with_its_location_and_ids_after_the_entries_are_committed()
    {
        var response = await _client.Post("/api/v1/incidents", new
        {
            Title = "Dashboard logins fail",
            Impact = "minor",
            Status = "investigating",
            Body = "Some users **cannot** sign in.",
            Components = new Dictionary<string, string> { ["dashboard"] = "degraded_performance" },
            Cause = new { Kind = "upstream", Provider = "halden", Ticket = "HH-1" },
            NextUpdateBy = StatusPageFactory.DemoNow.AddMinutes(30),
        });
        var created = await response.Created();
        var id = created.GetProperty("id").GetString()!;
        var updateId = created.GetProperty("update_id").GetString()!;

        Assert.Equal($"/api/v1/incidents/{id}", response.Headers.Location?.OriginalString);
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}-dashboard-logins-fail", id);
        var committed = server.Ledger.Current.Incidents[id];
        Assert.Equal(updateId, Assert.Single(committed.Updates).Id);
        var incident = await _client.Incident(id);
        Assert.Equal("Dashboard logins fail", incident.GetProperty("title").GetString());
        Assert.Equal("upstream", incident.GetProperty("cause").GetProperty("kind").GetString());
        Assert.Equal("HH-1", incident.GetProperty("cause").GetProperty("ticket").GetString());
        Assert.Equal("degraded_performance", server.Ledger.Current.Components["dashboard"].Status.ToWord());
    }

    [Fact]
    public async Task Every_entry_records_the_operator_who_wrote_it()
    {
        var before = await _client.HeadSeq();

        var (id, _) = await _client.CreateIncident("Author check");

        var entries = await _client.Ledger(before);
        Assert.Contains(entries, e => e.Kind == EntryKinds.IncidentOpened && e.Subject == id);
        Assert.All(entries.Where(e => e.Subject == id), e => Assert.Equal("admin", e.Author));
        Assert.Equal("admin", (await _client.Incident(id)).GetProperty("updates")[0].GetProperty("author").GetString());
    }

    [Fact]
    public async Task Updates_corrections_resolve_postmortem_and_reopen_build_one_timeline_in_order()
    {
        var (id, first) = await _client.CreateIncident("Timeline in order", "Investigating errors.");

        var identified = await (await _client.Post($"/api/v1/incidents/{id}/updates", new
        {
            Status = "identified",
            Body = "A bad deploy.",
            Components = new Dictionary<string, string> { ["ingestion-api"] = "major_outage" },
        })).Created();
        var correction = await _client.Post($"/api/v1/incidents/{id}/updates/{first}/corrections",
            new { Body = "Investigating elevated errors.", Reason = "typo" });
        var resolved = await (await _client.Post($"/api/v1/incidents/{id}/resolve", new { Body = "Rolled back." })).Created();
        var postmortem = await (await _client.Post($"/api/v1/incidents/{id}/postmortem", new { Body = "## What happened" })).Created();
        var reopened = await (await _client.Post($"/api/v1/incidents/{id}/reopen", new { Status = "investigating", Body = "Errors are back." }))
            .Created();

        var correctionId = (await correction.Created()).GetProperty("id").GetString();
        Assert.Equal($"/api/v1/incidents/{id}/updates/{correctionId}", correction.Headers.Location?.OriginalString);
        var incident = await _client.Incident(id);
        var posts = incident.GetProperty("updates").EnumerateArray().ToList();
        Assert.Equal([first, identified.GetProperty("id").GetString(), correctionId, resolved.GetProperty("id").GetString(),
            postmortem.GetProperty("id").GetString(), reopened.GetProperty("id").GetString()], posts.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(["update", "update", "correction", "update", "postmortem", "reopen"], posts.Select(p => p.GetProperty("kind").GetString()));
        Assert.Equal("Investigating errors.", posts[0].GetProperty("body").GetString());
        Assert.Equal(correctionId, posts[0].GetProperty("corrected_by")[0].GetString());
        Assert.Equal("investigating", incident.GetProperty("status").GetString());
        Assert.True(posts.Select(p => p.GetProperty("seq").GetInt64()).SequenceEqual(posts.Select(p => p.GetProperty("seq").GetInt64()).Order()));
    }

    public static TheoryData<string, string, string> InvalidIncidents => new()
    {
        { """{"title":"","impact":"major","status":"investigating","body":"b"}""", "title", "required" },
        { $$"""{"title":"{{new string('t', 201)}}","impact":"major","status":"investigating","body":"b"}""", "title", "max_length" },
        { $$"""{"title":"t","impact":"major","status":"investigating","body":"{{new string('b', 20_001)}}"}""", "body", "max_length" },
        { """{"title":"t","impact":"major","status":"investigating","body":"   "}""", "body", "required" },
        { """{"title":"t","impact":"huge","status":"investigating","body":"b"}""", "impact", "one_of" },
        { """{"title":"t","impact":"major","status":"fixed","body":"b"}""", "status", "one_of" },
        { """{"title":"t","impact":"major","status":"investigating","body":"b","components":{"nope":"major_outage"}}""", "components.nope", "known_component" },
        { """{"title":"t","impact":"major","status":"investigating","body":"b","components":{"query-api":"down"}}""", "components.query-api", "one_of" },
        { """{"title":"t","impact":"major","status":"investigating","body":"b","stated_at":"2099-01-01T00:00:00Z"}""", "stated_at", "not_in_future" },
        { """{"title":"t","impact":"major","status":"investigating","body":"b","next_update_by":"2000-01-01T00:00:00Z"}""", "next_update_by", "after_update" },
        { """{"title":"t","impact":"major","status":"investigating","body":"b","cause":{"kind":"upstream","provider":"nobody"}}""", "cause.provider", "known_provider" },
        { """{"id":"Not An Id","title":"t","impact":"major","status":"investigating","body":"b"}""", "id", "id_format" },
    };

    [Theory]
    [MemberData(nameof(InvalidIncidents))]
    public async Task An_invalid_incident_is_refused_with_a_problem_naming_the_field_and_rule_and_nothing_is_stored(string json, string field,
        string rule)
    {
        var before = await _client.HeadSeq();

        var problem = await (await _client.PostRaw("/api/v1/incidents", json)).Problem(HttpStatusCode.BadRequest, field, rule);

        Assert.Equal(before, await _client.HeadSeq());
        if (rule == "max_length")
        {
            Assert.Matches("at most (200|20000) characters", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("{\"title\": \"unterminated", "title")]
    [InlineData("{\"title\": 5, \"impact\": \"major\"}", "title")]
    [InlineData("[1, 2", "body")]
    public async Task Malformed_json_is_a_400_problem_naming_where_it_broke(string json, string field)
    {
        var before = await _client.HeadSeq();

        var problem = await (await _client.PostRaw("/api/v1/incidents", json)).Problem(HttpStatusCode.BadRequest, field, "json");

        Assert.Contains("Malformed JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await _client.HeadSeq());
    }

    [Fact]
    public async Task An_oversized_request_is_a_413_problem()
    {
        var json = $$"""{"title":"t","impact":"major","status":"investigating","body":"{{new string('x', 200_000)}}"}""";

        await (await _client.PostRaw("/api/v1/incidents", json)).Problem(HttpStatusCode.RequestEntityTooLarge, "body", "max_request_bytes");
    }

    [Fact]
    public async Task Writing_to_an_unknown_incident_or_an_update_of_another_incident_is_a_404()
    {
        var (first, firstUpdate) = await _client.CreateIncident("First of two");
        var (second, _) = await _client.CreateIncident("Second of two");

        await (await _client.Post("/api/v1/incidents/no-such-incident/updates", new { Status = "identified", Body = "x" }))
            .Problem(HttpStatusCode.NotFound, "incident_id", "known_incident");
        await (await _client.Post($"/api/v1/incidents/{second}/updates/{firstUpdate}/corrections", new { Body = "x", Reason = "y" }))
            .Problem(HttpStatusCode.NotFound, "update_id", "known_update");
        await (await _client.Post("/api/v1/components/no-such-component/status", new { Status = "major_outage" }))
            .Problem(HttpStatusCode.NotFound, "component_id", "known_component");
        Assert.Single((await _client.Incident(first)).GetProperty("updates").EnumerateArray());
    }

    [Fact]
    public async Task Invalid_transitions_are_409_problems()
    {
        var (id, _) = await _client.CreateIncident("Transitions");

        await (await _client.Post($"/api/v1/incidents/{id}/reopen", new { Status = "investigating", Body = "x" }))
            .Problem(HttpStatusCode.Conflict, "status", "only_resolved_reopens");
        await (await _client.Post($"/api/v1/incidents/{id}/postmortem", new { Body = "x" }))
            .Problem(HttpStatusCode.Conflict, "status", "postmortem_after_resolve");
        await (await _client.Post($"/api/v1/incidents/{id}/resolve", new { Body = "Fixed." })).Created();
        await (await _client.Post($"/api/v1/incidents/{id}/updates", new { Status = "monitoring", Body = "x" }))
            .Problem(HttpStatusCode.Conflict, "status", "resolved_incident_requires_reopen");
    }

    [Fact]
    public async Task A_redaction_hides_the_body_keeps_the_update_and_the_chain_verifies()
    {
        var (id, updateId) = await _client.CreateIncident("Leaked secret", "password=hunter2");

        var response = await _client.Post($"/api/v1/incidents/{id}/updates/{updateId}/redactions", new { Reason = "pasted a secret" });

        await response.Created();
        var post = (await _client.Incident(id)).GetProperty("updates")[0];
        Assert.Equal(JsonValueKind.Null, post.GetProperty("body").ValueKind);
        Assert.Equal("pasted a secret", post.GetProperty("redaction").GetProperty("reason").GetString());
        Assert.DoesNotContain("hunter2", await _client.GetStringAsync(Api.Url("/api/v1/ledger")), StringComparison.Ordinal);
        Assert.True((await (await _client.GetAsync(Api.Url("/api/v1/ledger/head"))).Json()).GetProperty("verified").GetBoolean());
        await (await _client.Post($"/api/v1/incidents/{id}/updates/{updateId}/redactions", new { Reason = "again" }))
            .Problem(HttpStatusCode.Conflict, "update_id", "not_already_redacted");
    }

    [Fact]
    public async Task Cause_attribution_and_component_status_are_recorded()
    {
        var (id, _) = await _client.CreateIncident("Cause later");

        await (await _client.Post($"/api/v1/incidents/{id}/cause", new { Kind = "upstream", Provider = "nobody" }))
            .Problem(HttpStatusCode.BadRequest, "provider", "known_provider");
        await (await _client.Post($"/api/v1/incidents/{id}/cause", new { Kind = "upstream", Provider = "halden", Ticket = "HH-42" })).Created();
        var status = await _client.Post("/api/v1/components/storage-cluster/status", new { Status = "degraded_performance" });

        await status.Created();
        Assert.Equal("/components/storage-cluster", status.Headers.Location?.OriginalString);
        Assert.Equal("HH-42", (await _client.Incident(id)).GetProperty("cause").GetProperty("ticket").GetString());
        Assert.Equal("degraded_performance", server.Ledger.Current.Components["storage-cluster"].Status.ToWord());
        await (await _client.Post("/api/v1/components/storage-cluster/status", new { Status = "broken" }))
            .Problem(HttpStatusCode.BadRequest, "status", "one_of");
    }

    [Fact]
    public async Task Maintenance_is_scheduled_runs_through_its_lifecycle_and_then_takes_no_more_updates()
    {
        var start = StatusPageFactory.DemoNow.AddDays(2);
        await (await _client.Post("/api/v1/maintenance", new
        {
            Title = "Storage upgrade", Components = UnknownComponent, ScheduledFor = start, ScheduledUntil = start.AddHours(1), Body = "x",
        })).Problem(HttpStatusCode.BadRequest, "components.nope", "known_component");
        await (await _client.Post("/api/v1/maintenance", new
        {
            Title = "Storage upgrade", Components = StorageCluster, ScheduledFor = start, ScheduledUntil = start, Body = "x",
        })).Problem(HttpStatusCode.BadRequest, "scheduled_until", "after_scheduled_for");

        var response = await _client.Post("/api/v1/maintenance", new
        {
            Title = "Storage upgrade", Components = StorageCluster, ScheduledFor = start, ScheduledUntil = start.AddHours(2),
            Body = "We will upgrade the storage cluster.",
        });
        var created = await response.Created();
        var id = created.GetProperty("id").GetString()!;
        await (await _client.Post($"/api/v1/maintenance/{id}/updates", new { Status = "in_progress", Body = "Started." })).Created();
        await (await _client.Post($"/api/v1/maintenance/{id}/updates", new { Status = "completed", Body = "Done." })).Created();

        Assert.Equal($"/api/v1/maintenance/{id}", response.Headers.Location?.OriginalString);
        await (await _client.Post($"/api/v1/maintenance/{id}/updates", new { Status = "in_progress", Body = "Again?" }))
            .Problem(HttpStatusCode.Conflict, "status", "maintenance_closed");
        var maintenance = await (await _client.GetAsync(Api.Url($"/api/v1/maintenance/{id}"))).Json();
        Assert.Equal("completed", maintenance.GetProperty("status").GetString());
        Assert.Equal(3, maintenance.GetProperty("updates").GetArrayLength());
    }

    [Fact]
    public async Task A_maintenance_update_is_corrected_and_redacted_under_its_own_path_only()
    {
        var start = StatusPageFactory.DemoNow.AddDays(3);
        var created = await (await _client.Post("/api/v1/maintenance", new
        {
            Title = "Query API failover drill", Components = StorageCluster, ScheduledFor = start, ScheduledUntil = start.AddHours(1),
            Body = "We will fail the query API over to the second site, token=abc123.",
        })).Created();
        var id = created.GetProperty("id").GetString()!;
        var updateId = created.GetProperty("update_id").GetString()!;
        var (incidentId, incidentUpdateId) = await _client.CreateIncident("Not a maintenance");

        var correction = await _client.Post($"/api/v1/maintenance/{id}/updates/{updateId}/corrections",
            new { Body = "We will fail the query API over to the second site.", Reason = "pasted a token" });
        var redaction = await _client.Post($"/api/v1/maintenance/{id}/updates/{updateId}/redactions", new { Reason = "pasted a token" });

        var correctionId = (await correction.Created()).GetProperty("id").GetString();
        Assert.Equal($"/api/v1/maintenance/{id}/updates/{correctionId}", correction.Headers.Location?.OriginalString);
        await redaction.Created();
        Assert.Equal($"/api/v1/maintenance/{id}/updates/{updateId}", redaction.Headers.Location?.OriginalString);
        var posts = (await (await _client.GetAsync(Api.Url($"/api/v1/maintenance/{id}"))).Json()).GetProperty("updates");
        Assert.Equal(JsonValueKind.Null, posts[0].GetProperty("body").ValueKind);
        Assert.Equal("pasted a token", posts[0].GetProperty("redaction").GetProperty("reason").GetString());
        Assert.Equal(correctionId, posts[0].GetProperty("corrected_by")[0].GetString());
        Assert.DoesNotContain("abc123", await _client.GetStringAsync(Api.Url("/api/v1/ledger")), StringComparison.Ordinal);
        // An incident's update reached through the maintenance path (or the other way round) is not found, and nothing is written.
        var head = await _client.HeadSeq();
        await (await _client.Post($"/api/v1/maintenance/{incidentId}/updates/{incidentUpdateId}/corrections", new { Body = "x", Reason = "y" }))
            .Problem(HttpStatusCode.NotFound, "update_id", "known_update");
        await (await _client.Post($"/api/v1/incidents/{id}/updates/{correctionId}/redactions", new { Reason = "y" }))
            .Problem(HttpStatusCode.NotFound, "update_id", "known_update");
        Assert.Equal(head, await _client.HeadSeq());
    }

    [Fact]
    public async Task Preview_renders_markdown_with_the_public_renderer()
    {
        var response = await _client.Post("/api/v1/preview", new { Body = "**bold** [x](javascript:alert(1)) <b>raw</b>" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = (await response.Json()).GetProperty("html").GetString()!;
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        await (await _client.Post("/api/v1/preview", new { Body = new string('x', 20_001) })).Problem(HttpStatusCode.BadRequest, "body", "max_length");
    }

    [Fact]
    public async Task Concurrent_updates_to_one_incident_are_all_kept_in_order()
    {
        var (id, _) = await _client.CreateIncident("Many hands");

        var responses = await Task.WhenAll(Enumerable.Range(1, 24).Select(i =>
            _client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = $"update {i}" })));

        var ids = new List<string>();
        foreach (var response in responses)
        {
            ids.Add((await response.Created()).GetProperty("id").GetString()!);
        }
        var posts = (await _client.Incident(id)).GetProperty("updates").EnumerateArray().ToList();
        Assert.Equal(25, posts.Count);
        Assert.Subset(posts.Select(p => p.GetProperty("id").GetString()!).ToHashSet(), ids.ToHashSet());
        var seqs = posts.Select(p => p.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(24, posts.Skip(1).Select(p => p.GetProperty("body").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Downloading_the_ledger_while_operators_write_never_fails_a_write()
    {
        var (id, _) = await _client.CreateIncident("Writes during downloads");

        var downloads = Enumerable.Range(0, 8).Select(_ => _client.GetStringAsync(Api.Url("/api/v1/ledger"))).ToList();
        var writes = Enumerable.Range(0, 16).Select(i =>
            _client.Post($"/api/v1/incidents/{id}/updates", new { Status = "identified", Body = $"during download {i}" })).ToList();
        await Task.WhenAll(downloads);

        foreach (var response in await Task.WhenAll(writes))
        {
            await response.Created();
        }
    }

    [Fact]
    public async Task The_app_serves_an_openapi_document_describing_the_write_api()
    {
        var response = await _client.GetAsync(Api.Url("/openapi/v1.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Json();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/incidents", out _));
        Assert.True(paths.TryGetProperty("/api/v1/incidents/{id}/updates/{updateId}/corrections", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tokens", out _));
    }

    // The bodies come from the handlers' bound request types (no .Accepts<T>() on the routes), with their fields and the 400 answer.
    [Theory]
    [InlineData("/api/v1/incidents", "post", "title", "impact")]
    [InlineData("/api/v1/incidents/{id}/updates/{updateId}/corrections", "post", "body", "reason")]
    [InlineData("/api/v1/components/{id}", "patch", "name", "sla_target")]
    [InlineData("/api/v1/session", "post", "username", "password")]
    public async Task The_openapi_document_describes_each_write_request_body_and_its_validation_answer(string path, string method,
        string field, string otherField)
    {
        var document = await (await _client.GetAsync(Api.Url("/openapi/v1.json"))).Json();

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        var body = operation.GetProperty("requestBody");
        var schema = body.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        }
        Assert.True(body.GetProperty("required").GetBoolean());
        Assert.True(schema.GetProperty("properties").TryGetProperty(field, out _), $"{path}: no '{field}' in {schema}");
        Assert.True(schema.GetProperty("properties").TryGetProperty(otherField, out _), $"{path}: no '{otherField}' in {schema}");
        Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _), $"{path}: no 400 answer documented");
    }
}
