using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;
using StatusPage.Server.Markdown;
using StatusPage.Server.Operators;

namespace StatusPage.Server.WriteApi;

public static class WriteEndpoints
{
    private const string Json = "application/json";

    public static IHostApplicationBuilder AddWriteApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapWriteApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();

        var read = app.MapGroup("/api/v1").WithTags("Write API").RequireAuthorization(OperatorsSetup.OperatorPolicy);
        read.MapGet("/incidents/{id}", GetIncident);
        read.MapGet("/incidents/{id}/updates/{updateId}", GetIncidentUpdate);
        read.MapGet("/maintenance/{id}", GetMaintenance);
        read.MapPost("/preview", Preview).Accepts<PreviewRequest>(Json);
        read.MapLists();

        var write = app.MapGroup("/api/v1").WithTags("Write API").RequireAuthorization(OperatorsSetup.OperatorPolicy)
            .RequireRateLimiting(OperatorsSetup.WriteLimit).AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies);
        write.MapPost("/incidents", CreateIncident).Accepts<CreateIncidentRequest>(Json);
        write.MapPost("/incidents/{id}/updates", PostIncidentUpdate).Accepts<PostUpdateRequest>(Json);
        write.MapPost("/incidents/{id}/resolve", Resolve).Accepts<ResolveIncidentRequest>(Json);
        write.MapPost("/incidents/{id}/reopen", Reopen).Accepts<ReopenIncidentRequest>(Json);
        write.MapPost("/incidents/{id}/postmortem", Postmortem).Accepts<PostmortemRequest>(Json);
        write.MapPost("/incidents/{id}/cause", Attribute).Accepts<CauseRequest>(Json);
        MapAmendments(write, "incidents");
        write.MapPost("/components/{id}/status", SetStatus).Accepts<ComponentStatusRequest>(Json);
        write.MapPost("/maintenance", Schedule).Accepts<ScheduleMaintenanceRequest>(Json);
        write.MapPost("/maintenance/{id}/updates", PostMaintenance).Accepts<MaintenanceUpdateRequest>(Json);
        MapAmendments(write, "maintenance");
        write.MapGroup("").RequireAuthorization(OperatorsSetup.AdminPolicy).MapComponentWrites();
        return app;
    }

    private static Task<Results<Created<IncidentCreated>, ValidationProblem, ProblemHttpResult>> CreateIncident(HttpContext http,
        WriteGate gate, LedgerService ledger, TimeProvider time) =>
        gate.WriteAsync<CreateIncidentRequest, IncidentCreated>(http, c => new CreateIncidentValidator(c),
            r => new OpenIncident(r.Id ?? NewSubjectId(ledger.Current, r.StatedAt ?? time.GetUtcNow(), r.Title!), r.Title!,
                Word<Impact>(r.Impact), Word<IncidentStatus>(r.Status), r.Body!,
                Changes(r.Components) ?? ImmutableSortedDictionary<string, ComponentStatus>.Empty, Cause(r.Cause), r.StartedAt,
                r.StatedAt, r.NextUpdateBy),
            e => ($"/api/v1/incidents/{e[0].Subject}", new IncidentCreated(e[0].Subject, e[1].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> PostIncidentUpdate(string id,
        HttpContext http, WriteGate gate) =>
        gate.WriteAsync<PostUpdateRequest, EntryCreated>(http, c => new PostUpdateValidator(c),
            r => new PostUpdate(id, Word<IncidentStatus>(r.Status), r.Body!, Changes(r.Components), r.StatedAt, r.NextUpdateBy),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Resolve(string id, HttpContext http,
        WriteGate gate) =>
        gate.WriteAsync<ResolveIncidentRequest, EntryCreated>(http, c => new ResolveIncidentValidator(c),
            r => new PostUpdate(id, IncidentStatus.Resolved, r.Body!, Changes(r.Components), r.StatedAt),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Reopen(string id, HttpContext http,
        WriteGate gate) =>
        gate.WriteAsync<ReopenIncidentRequest, EntryCreated>(http, c => new ReopenIncidentValidator(c),
            r => new ReopenIncident(id, Word<IncidentStatus>(r.Status), r.Body!, Changes(r.Components), r.StatedAt),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Postmortem(string id, HttpContext http,
        WriteGate gate) =>
        gate.WriteAsync<PostmortemRequest, EntryCreated>(http, c => new PostmortemValidator(c),
            r => new PublishPostmortem(id, r.Body!, r.StatedAt),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Attribute(string id, HttpContext http,
        WriteGate gate) =>
        gate.WriteAsync<CauseRequest, EntryCreated>(http, c => new CauseValidator(c),
            r => new AttributeCause(id, Cause(r)!),
            e => ($"/api/v1/incidents/{id}", new EntryCreated(e[0].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> SetStatus(string id, HttpContext http,
        WriteGate gate) =>
        gate.WriteAsync<ComponentStatusRequest, EntryCreated>(http, c => new ComponentStatusValidator(c),
            r => new SetComponentStatus(id, Word<ComponentStatus>(r.Status), r.StatedAt),
            e => ($"/components/{id}", new EntryCreated(e[0].Id)));

    private static Task<Results<Created<MaintenanceCreated>, ValidationProblem, ProblemHttpResult>> Schedule(HttpContext http,
        WriteGate gate, LedgerService ledger) =>
        gate.WriteAsync<ScheduleMaintenanceRequest, MaintenanceCreated>(http, c => new ScheduleMaintenanceValidator(c),
            r => new ScheduleMaintenance(r.Id ?? NewSubjectId(ledger.Current, r.ScheduledFor!.Value, r.Title!), r.Title!,
                [.. r.Components!], r.ScheduledFor!.Value, r.ScheduledUntil!.Value, r.Body!),
            e => ($"/api/v1/maintenance/{e[0].Subject}", new MaintenanceCreated(e[0].Subject, e[1].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> PostMaintenance(string id,
        HttpContext http, WriteGate gate) =>
        gate.WriteAsync<MaintenanceUpdateRequest, EntryCreated>(http, c => new MaintenanceUpdateValidator(c),
            r => new PostMaintenanceUpdate(id, Word<MaintenanceStatus>(r.Status), r.Body!, Changes(r.Components), r.StatedAt),
            e => UpdateCreated("maintenance", id, e[0].Id));

    // Corrections and redactions work alike on incident and maintenance updates: only the collection in the path differs.
    // Redacting hides published text, so it takes an admin.
    private static void MapAmendments(RouteGroupBuilder write, string collection)
    {
        write.MapPost($"/{collection}/{{id}}/updates/{{updateId}}/corrections",
            (string id, string updateId, HttpContext http, WriteGate gate, LedgerService ledger) =>
                CorrectUpdate(collection, id, updateId, http, gate, ledger)).Accepts<CorrectionRequest>(Json);
        write.MapPost($"/{collection}/{{id}}/updates/{{updateId}}/redactions",
            (string id, string updateId, HttpContext http, WriteGate gate, LedgerService ledger) =>
                RedactUpdate(collection, id, updateId, http, gate, ledger)).Accepts<RedactionRequest>(Json)
            .RequireAuthorization(OperatorsSetup.AdminPolicy);
    }

    private static async Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> CorrectUpdate(string collection,
        string id, string updateId, HttpContext http, WriteGate gate, LedgerService ledger) =>
        BelongsTo(ledger.Current, collection, id, updateId) is { } notFound
            ? notFound
            : await gate.WriteAsync<CorrectionRequest, EntryCreated>(http, c => new CorrectionValidator(c),
                r => new CorrectPost(updateId, r.Body!, r.Reason!, r.StatedAt),
                e => UpdateCreated(collection, id, e[0].Id));

    private static async Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> RedactUpdate(string collection,
        string id, string updateId, HttpContext http, WriteGate gate, LedgerService ledger) =>
        BelongsTo(ledger.Current, collection, id, updateId) is { } notFound
            ? notFound
            : await gate.WriteAsync<RedactionRequest, EntryCreated>(http, _ => new RedactionValidator(),
                r => new RedactPost(updateId, r.Reason!),
                e => UpdateCreated(collection, id, updateId) with { Response = new EntryCreated(e[0].Id) });

    // Renders exactly as the public page will: the same pipeline, raw HTML off, only http/https/mailto links.
    private static async Task<Results<Ok<PreviewResponse>, ValidationProblem, ProblemHttpResult>> Preview(HttpRequest request)
    {
        var body = await JsonBody.ReadAsync<PreviewRequest>(request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        if (new PreviewValidator().Validate(body.Value!) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        return TypedResults.Ok(new PreviewResponse(MarkdownRenderer.ToHtml(body.Value!.Body ?? "")));
    }

    private static Results<Ok<IncidentView>, ProblemHttpResult> GetIncident(string id, LedgerService ledger) =>
        ledger.Current.Incidents.TryGetValue(id, out var incident)
            ? TypedResults.Ok(ApiViews.Of(incident))
            : Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"There is no incident '{id}'.", "id", "known_incident");

    private static Results<Ok<PostView>, ProblemHttpResult> GetIncidentUpdate(string id, string updateId, LedgerService ledger) =>
        ledger.Current.Incidents.TryGetValue(id, out var incident) && incident.AllPosts.Find(p => p.Id == updateId) is { } post
            ? TypedResults.Ok(ApiViews.Of(post))
            : Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"Incident '{id}' has no update '{updateId}'.", "update_id",
                "known_update");

    private static Results<Ok<MaintenanceView>, ProblemHttpResult> GetMaintenance(string id, LedgerService ledger) =>
        ledger.Current.Maintenances.TryGetValue(id, out var maintenance)
            ? TypedResults.Ok(ApiViews.Of(maintenance))
            : Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"There is no maintenance '{id}'.", "id", "known_maintenance");

    // An update id in a route must belong to the incident or maintenance the route names, under its own collection.
    private static ProblemHttpResult? BelongsTo(StatusSnapshot state, string collection, string subjectId, string updateId) =>
        state.PostOwners.TryGetValue(updateId, out var owner) && owner == subjectId
            && (collection == "incidents" ? state.Incidents.ContainsKey(subjectId) : state.Maintenances.ContainsKey(subjectId))
            ? null
            : Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"'{subjectId}' has no update '{updateId}'.", "update_id",
                "known_update");

    private static (string Location, EntryCreated Response) UpdateCreated(string collection, string subjectId, string entryId) =>
        ($"/api/v1/{collection}/{subjectId}/updates/{entryId}", new EntryCreated(entryId));

    // Validated before this runs, so the word is known.
    private static TEnum Word<TEnum>(string? word) where TEnum : struct, Enum =>
        WordsExtensions.TryParseWord<TEnum>(word, out var value) ? value : throw new ArgumentException($"unvalidated word '{word}'", nameof(word));

    private static ImmutableSortedDictionary<string, ComponentStatus>? Changes(Dictionary<string, string>? components) =>
        components?.ToImmutableSortedDictionary(c => c.Key, c => Word<ComponentStatus>(c.Value), StringComparer.Ordinal);

    private static CauseInput? Cause(CauseRequest? cause) =>
        cause is null ? null : new CauseInput(Word<CauseKind>(cause.Kind), cause.Provider, cause.Ticket);

    // "2026-11-24-ingestion-api-errors", like the ids of content/; a suffix keeps it unique.
    private static string NewSubjectId(StatusSnapshot state, DateTimeOffset date, string title)
    {
        var slug = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
            if (slug.Length >= 50)
            {
                break;
            }
        }
        var id = $"{date.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{slug.ToString().Trim('-')}".TrimEnd('-');
        return state.Incidents.ContainsKey(id) || state.Maintenances.ContainsKey(id) ? $"{id}-{LedgerService.NewId()[..6]}" : id;
    }
}
