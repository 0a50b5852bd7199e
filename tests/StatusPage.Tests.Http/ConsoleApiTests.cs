using System.Net;
using System.Net.Http.Json;
using StatusPage.Server.History;

namespace StatusPage.Tests.Http;

// The endpoints the operator console reads and writes beyond the incident write API: lists, templates, components, roles.
public sealed class ConsoleApiTests(WriteApiServer server) : IClassFixture<WriteApiServer>
{
    private static readonly string[] Finished = ["completed", "cancelled"];

    private readonly HttpClient _admin = server.Client();

    private async Task<HttpClient> OperatorClient(string username)
    {
        await (await _admin.Post("/api/v1/operators", new { Username = username, Role = "operator", Password = "a long enough password" })).Created();
        var token = await (await _admin.Post("/api/v1/tokens", new { Name = $"{username} script", Operator = username })).Created();
        return server.Client(token.GetProperty("token").GetString());
    }

    private static Task<HttpResponseMessage> Patch(HttpClient client, string path, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, Api.Url(path)) { Content = JsonContent.Create(body, options: WriteApiServer.Json) });

    [Fact]
    public async Task The_open_incident_list_shows_unresolved_incidents_with_their_promised_next_update()
    {
        var promised = StatusPageFactory.DemoNow.AddMinutes(30);
        var open = await (await _admin.Post("/api/v1/incidents", new
        {
            Title = "Listed while open",
            Impact = "minor",
            Status = "investigating",
            Body = "Looking.",
            NextUpdateBy = promised,
        })).Created();
        var (resolvedId, _) = await _admin.CreateIncident("Listed after resolving");
        await (await _admin.Post($"/api/v1/incidents/{resolvedId}/resolve", new { Body = "Fixed." })).Created();

        var openList = await (await _admin.GetAsync(Api.Url("/api/v1/incidents?state=open"))).Json();
        var allList = await (await _admin.GetAsync(Api.Url("/api/v1/incidents?state=all&limit=500"))).Json();

        var listed = Assert.Single(openList.EnumerateArray(), i => i.GetProperty("id").GetString() == open.GetProperty("id").GetString());
        Assert.Equal("investigating", listed.GetProperty("status").GetString());
        Assert.Equal(promised.ToUnixTimeSeconds(), listed.GetProperty("next_update_by").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.True(listed.TryGetProperty("last_updated_at", out _));
        Assert.DoesNotContain(openList.EnumerateArray(), i => i.GetProperty("id").GetString() == resolvedId);
        Assert.All(openList.EnumerateArray(), i => Assert.NotEqual("resolved", i.GetProperty("status").GetString()));
        Assert.Contains(allList.EnumerateArray(), i => i.GetProperty("id").GetString() == resolvedId);
    }

    [Fact]
    public async Task Lists_refuse_an_unknown_state_or_limit_and_anonymous_readers()
    {
        var badState = await _admin.GetAsync(Api.Url("/api/v1/incidents?state=closed"));
        var badLimit = await _admin.GetAsync(Api.Url("/api/v1/maintenance?limit=0"));
        var anonymous = await server.Client(token: null).GetAsync(Api.Url("/api/v1/components"));

        await badState.Problem(HttpStatusCode.BadRequest, "state", "one_of");
        await badLimit.Problem(HttpStatusCode.BadRequest, "limit", "range");
        await anonymous.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
    }

    [Fact]
    public async Task Active_maintenance_is_listed_soonest_first_without_finished_windows()
    {
        var list = await (await _admin.GetAsync(Api.Url("/api/v1/maintenance"))).Json();
        var all = await (await _admin.GetAsync(Api.Url("/api/v1/maintenance?state=all"))).Json();

        var starts = list.EnumerateArray().Select(m => m.GetProperty("scheduled_for").GetDateTimeOffset()).ToList();
        Assert.NotEmpty(starts);
        Assert.Equal(starts.Order(), starts);
        Assert.All(list.EnumerateArray(), m => Assert.DoesNotContain(m.GetProperty("status").GetString(), Finished));
        Assert.Contains(all.EnumerateArray(), m => m.GetProperty("status").GetString() == "completed");
    }

    [Fact]
    public async Task Components_providers_and_templates_are_listed_for_the_console()
    {
        var components = await (await _admin.GetAsync(Api.Url("/api/v1/components"))).Json();
        var providers = await (await _admin.GetAsync(Api.Url("/api/v1/providers"))).Json();
        var templates = await (await _admin.GetAsync(Api.Url("/api/v1/templates"))).Json();

        var ingestion = Assert.Single(components.EnumerateArray(), c => c.GetProperty("id").GetString() == "ingestion-api");
        Assert.Equal("Ingestion API", ingestion.GetProperty("name").GetString());
        Assert.Equal("api", ingestion.GetProperty("group").GetString());
        Assert.Equal("API", ingestion.GetProperty("group_name").GetString());
        Assert.Equal(99.95m, ingestion.GetProperty("sla_target").GetDecimal());
        Assert.Contains(providers.EnumerateArray(), p => p.GetProperty("id").GetString() == "halden");
        var investigating = Assert.Single(templates.EnumerateArray(), t => t.GetProperty("name").GetString() == "investigating");
        Assert.Equal("Investigating", investigating.GetProperty("title").GetString());
        var file = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryContent, "templates", "investigating.md"));
        Assert.Equal(file.TrimEnd(), investigating.GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_admin_declares_a_component_through_the_ledger_and_it_appears_on_the_public_page()
    {
        var before = await _admin.HeadSeq();

        var response = await _admin.Post("/api/v1/components", new
        {
            Id = "billing-api",
            Name = "Billing API",
            Group = "api",
            Description = "Invoices and plans",
            SlaTarget = 99.9m,
        });

        var created = await response.Created();
        Assert.Equal("/api/v1/components/billing-api", response.Headers.Location?.OriginalString);
        Assert.Equal("operational", created.GetProperty("status").GetString());
        var entry = Assert.Single(await _admin.Ledger(before));
        Assert.Equal((EntryKinds.ComponentDeclared, "billing-api", "admin"), (entry.Kind, entry.Subject, entry.Author));
        Assert.Equal("Billing API", server.Ledger.Current.Components["billing-api"].Name);
        var page = await server.Client(token: null).GetStringAsync(Api.Url("/components/billing-api"));
        Assert.Contains("Billing API", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declaring_a_component_is_checked_by_the_shared_rules_and_refused_to_operators()
    {
        var operatorClient = await OperatorClient("olga");
        var before = await _admin.HeadSeq();

        var duplicate = await _admin.Post("/api/v1/components", new { Id = "dashboard", Name = "Dashboard again" });
        var badId = await _admin.Post("/api/v1/components", new { Id = "Not An Id", Name = "x" });
        var noName = await _admin.Post("/api/v1/components", new { Id = "nameless" });
        var unknownGroup = await _admin.Post("/api/v1/components", new { Id = "orphan", Name = "Orphan", Group = "nope" });
        var badSla = await _admin.Post("/api/v1/components", new { Id = "greedy", Name = "Greedy", SlaTarget = 120 });
        var malformed = await _admin.PostRaw("/api/v1/components", "{\"id\": ");
        var byOperator = await operatorClient.Post("/api/v1/components", new { Id = "sneaky", Name = "Sneaky" });
        var anonymous = await server.Client(token: null).Post("/api/v1/components", new { Id = "anon", Name = "Anon" });

        await duplicate.Problem(HttpStatusCode.Conflict, "id", "unique_id");
        await badId.Problem(HttpStatusCode.BadRequest, "id", "id_format");
        await noName.Problem(HttpStatusCode.BadRequest, "name", "required");
        await unknownGroup.Problem(HttpStatusCode.BadRequest, "group", "known_group");
        await badSla.Problem(HttpStatusCode.BadRequest, "sla_target", "percentage");
        await malformed.Problem(HttpStatusCode.BadRequest, "id", "json");
        await byOperator.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
        await anonymous.Problem(HttpStatusCode.Unauthorized, "Authorization", "authenticated");
        Assert.Equal(before, await _admin.HeadSeq());
    }

    [Fact]
    public async Task Changing_a_component_keeps_what_the_request_leaves_out()
    {
        await (await _admin.Post("/api/v1/components", new { Id = "search-api", Name = "Search", Group = "api", SlaTarget = 99.5m })).Created();
        var operatorClient = await OperatorClient("otto");

        var renamed = await Patch(_admin, "/api/v1/components/search-api", new { Name = "Search API", Description = "Full-text search" });
        var ungrouped = await Patch(_admin, "/api/v1/components/search-api", new { Group = "" });
        var unknown = await Patch(_admin, "/api/v1/components/nope", new { Name = "Nope" });
        var invalid = await Patch(_admin, "/api/v1/components/search-api", new { Name = "" });
        var byOperator = await Patch(operatorClient, "/api/v1/components/search-api", new { Name = "Mine" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var view = await renamed.Json();
        Assert.Equal(("Search API", "Full-text search", "api", 99.5m), (view.GetProperty("name").GetString(),
            view.GetProperty("description").GetString(), view.GetProperty("group").GetString(), view.GetProperty("sla_target").GetDecimal()));
        Assert.Equal(HttpStatusCode.OK, ungrouped.StatusCode);
        Assert.Null(server.Ledger.Current.Components["search-api"].GroupId);
        Assert.Equal("Search API", server.Ledger.Current.Components["search-api"].Name);
        await unknown.Problem(HttpStatusCode.NotFound, "id", "known_component");
        await invalid.Problem(HttpStatusCode.BadRequest, "name", "required");
        await byOperator.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
    }

    [Fact]
    public async Task An_admin_changes_an_operators_role_and_the_change_is_recorded()
    {
        var operatorClient = await OperatorClient("rita");
        var before = await _admin.HeadSeq();

        var promoted = await _admin.Post("/api/v1/operators/rita/role", new { Role = "admin" });
        var unknown = await _admin.Post("/api/v1/operators/nobody/role", new { Role = "admin" });
        var badRole = await _admin.Post("/api/v1/operators/rita/role", new { Role = "owner" });

        Assert.Equal(HttpStatusCode.NoContent, promoted.StatusCode);
        var entry = Assert.Single(await _admin.Ledger(before));
        Assert.Equal((EntryKinds.OperatorRoleSet, "rita", "admin"), (entry.Kind, entry.Subject, entry.Author));
        await unknown.Problem(HttpStatusCode.NotFound, "username", "known_operator");
        await badRole.Problem(HttpStatusCode.BadRequest, "role", "one_of");
        // The token acts with its operator's current role: rita is an admin now and may list operators.
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync(Api.Url("/api/v1/operators"))).StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_changes_roles_and_the_last_admin_keeps_the_role()
    {
        using var fresh = new WriteApiServer();
        var admin = fresh.Client();
        await (await admin.Post("/api/v1/operators", new { Username = "uma", Role = "operator", Password = "a long enough password" })).Created();
        var token = await (await admin.Post("/api/v1/tokens", new { Name = "uma script", Operator = "uma" })).Created();
        var uma = fresh.Client(token.GetProperty("token").GetString());

        var byOperator = await uma.Post("/api/v1/operators/uma/role", new { Role = "admin" });
        var lastAdmin = await admin.Post("/api/v1/operators/admin/role", new { Role = "operator" });

        await byOperator.Problem(HttpStatusCode.Forbidden, "role", "role_allows");
        await lastAdmin.Problem(HttpStatusCode.Conflict, "role", "keep_one_admin");
        Assert.Equal("admin", fresh.Ledger.Current.Roster.Operators["admin"].Role.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_session_says_whether_the_password_must_be_changed_first()
    {
        await (await _admin.Post("/api/v1/operators", new { Username = "ivo", Role = "operator" })).Created();
        var created = await (await _admin.Post("/api/v1/operators", new { Username = "ivy", Role = "operator" })).Created();
        var console = server.Client(token: null);

        var oneTime = await (await console.Post("/api/v1/session",
            new { Username = "ivy", Password = created.GetProperty("password").GetString() })).Json();
        var admin = await (await server.Client(token: null).Post("/api/v1/session",
            new { Username = "admin", Password = WriteApiServer.AdminPassword })).Json();

        Assert.True(oneTime.GetProperty("must_change_password").GetBoolean());
        Assert.False(admin.GetProperty("must_change_password").GetBoolean());
        Assert.Equal("admin", admin.GetProperty("role").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_console_endpoints()
    {
        var doc = await (await server.Client(token: null).GetAsync(Api.Url("/openapi/v1.json"))).Json();
        var paths = doc.GetProperty("paths");

        Assert.True(paths.GetProperty("/api/v1/incidents").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/maintenance").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/templates").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/components").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/v1/components/{id}").TryGetProperty("patch", out _));
        Assert.True(paths.GetProperty("/api/v1/operators/{username}/role").TryGetProperty("post", out _));
    }
}
