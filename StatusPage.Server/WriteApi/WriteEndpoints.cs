using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Markdown;
using StatusPage.Server.Operators;

namespace StatusPage.Server.WriteApi;

internal static class WriteEndpoints
{
    public static IHostApplicationBuilder AddWriteApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapWriteApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();

        var read = app.MapGroup("/api/v1").WithTags("Write API").RequireAuthorization(OperatorsSetup.OperatorPolicy).WithJsonBodies();
        read.MapGet("/incidents/{id}", GetIncident);
        read.MapGet("/incidents/{id}/updates/{updateId}", GetIncidentUpdate);
        read.MapGet("/maintenance/{id}", GetMaintenance);
        read.MapPost("/preview", Preview).Validates<PreviewRequest>(_ => new PreviewValidator());
        read.MapLists();
        read.MapRecurrence();

        var write = app.MapGroup("/api/v1").WithTags("Write API").RequireAuthorization(OperatorsSetup.OperatorPolicy)
            .RequireRateLimiting(OperatorsSetup.WriteLimit).AddEndpointFilter(OperatorsSetup.RequireAntiforgeryForCookies).WithJsonBodies();
        write.MapPost("/incidents", CreateIncident).Validates<CreateIncidentRequest>(c => new CreateIncidentValidator(c));
        write.MapPost("/incidents/{id}/updates", PostIncidentUpdate).Validates<PostUpdateRequest>(c => new PostUpdateValidator(c));
        write.MapPost("/incidents/{id}/resolve", Resolve).Validates<ResolveIncidentRequest>(c => new ResolveIncidentValidator(c));
        write.MapPost("/incidents/{id}/reopen", Reopen).Validates<ReopenIncidentRequest>(c => new ReopenIncidentValidator(c));
        write.MapPost("/incidents/{id}/postmortem", Postmortem).Validates<PostmortemRequest>(c => new PostmortemValidator(c));
        write.MapPost("/incidents/{id}/cause", Attribute).Validates<CauseRequest>(c => new CauseValidator(c));
        MapAmendments(write, "incidents");
        write.MapPost("/components/{id}/status", SetStatus).Validates<ComponentStatusRequest>(c => new ComponentStatusValidator(c));
        write.MapPost("/maintenance", Schedule).Validates<ScheduleMaintenanceRequest>(c => new ScheduleMaintenanceValidator(c));
        write.MapPost("/maintenance/{id}/updates", PostMaintenance).Validates<MaintenanceUpdateRequest>(c => new MaintenanceUpdateValidator(c));
        MapAmendments(write, "maintenance");
        write.MapGroup("").RequireAuthorization(OperatorsSetup.AdminPolicy).MapComponentWrites();
        return app;
    }

    private static Task<Results<Created<IncidentCreated>, ValidationProblem, ProblemHttpResult>> CreateIncident(CreateIncidentRequest request,
        HttpContext http, WriteGate gate, LedgerService ledger, TimeProvider time) =>
        gate.WriteAsync(http,
            new OpenIncident(request.Id ?? NewSubjectId(ledger.Current, request.StatedAt ?? time.GetUtcNow(), request.Title!), request.Title!,
                Word<Impact>(request.Impact), Word<IncidentStatus>(request.Status), request.Body!,
                Changes(request.Components) ?? ImmutableSortedDictionary<string, ComponentStatus>.Empty, Cause(request.Cause),
                request.StartedAt, request.StatedAt, request.NextUpdateBy),
            e => ($"/api/v1/incidents/{e[0].Subject}", new IncidentCreated(e[0].Subject, e[1].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> PostIncidentUpdate(string id,
        PostUpdateRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http,
            new PostUpdate(id, Word<IncidentStatus>(request.Status), request.Body!, Changes(request.Components), request.StatedAt,
                request.NextUpdateBy),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Resolve(string id,
        ResolveIncidentRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http, new PostUpdate(id, IncidentStatus.Resolved, request.Body!, Changes(request.Components), request.StatedAt),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Reopen(string id,
        ReopenIncidentRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http,
            new ReopenIncident(id, Word<IncidentStatus>(request.Status), request.Body!, Changes(request.Components), request.StatedAt),
            e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Postmortem(string id,
        PostmortemRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http, new PublishPostmortem(id, request.Body!, request.StatedAt), e => UpdateCreated("incidents", id, e[0].Id));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> Attribute(string id, CauseRequest request,
        HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http, new AttributeCause(id, Cause(request)!), e => ($"/api/v1/incidents/{id}", new EntryCreated(e[0].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> SetStatus(string id,
        ComponentStatusRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http, new SetComponentStatus(id, Word<ComponentStatus>(request.Status), request.StatedAt),
            e => ($"/components/{id}", new EntryCreated(e[0].Id)));

    private static Task<Results<Created<MaintenanceCreated>, ValidationProblem, ProblemHttpResult>> Schedule(
        ScheduleMaintenanceRequest request, HttpContext http, WriteGate gate, LedgerService ledger) =>
        gate.WriteAsync(http,
            new ScheduleMaintenance(request.Id ?? NewSubjectId(ledger.Current, request.ScheduledFor!.Value, request.Title!), request.Title!,
                [.. request.Components!], request.ScheduledFor!.Value, request.ScheduledUntil!.Value, request.Body!),
            e => ($"/api/v1/maintenance/{e[0].Subject}", new MaintenanceCreated(e[0].Subject, e[1].Id)));

    private static Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> PostMaintenance(string id,
        MaintenanceUpdateRequest request, HttpContext http, WriteGate gate) =>
        gate.WriteAsync(http,
            new PostMaintenanceUpdate(id, Word<MaintenanceStatus>(request.Status), request.Body!, Changes(request.Components),
                request.StatedAt),
            e => UpdateCreated("maintenance", id, e[0].Id));

    // Corrections and redactions work alike on incident and maintenance updates: only the collection in the path differs.
    // Redacting hides published text, so it takes an admin.
    private static void MapAmendments(RouteGroupBuilder write, string collection)
    {
        write.MapPost($"/{collection}/{{id}}/updates/{{updateId}}/corrections",
            (string id, string updateId, CorrectionRequest request, HttpContext http, WriteGate gate, LedgerService ledger) =>
                CorrectUpdate(collection, id, updateId, request, http, gate, ledger))
            .Validates<CorrectionRequest>(c => new CorrectionValidator(c));
        write.MapPost($"/{collection}/{{id}}/updates/{{updateId}}/redactions",
            (string id, string updateId, RedactionRequest request, HttpContext http, WriteGate gate, LedgerService ledger) =>
                RedactUpdate(collection, id, updateId, request, http, gate, ledger))
            .Validates<RedactionRequest>(_ => new RedactionValidator())
            .RequireAuthorization(OperatorsSetup.AdminPolicy);
    }

    private static async Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> CorrectUpdate(string collection,
        string id, string updateId, CorrectionRequest request, HttpContext http, WriteGate gate, LedgerService ledger) =>
        BelongsTo(ledger.Current, collection, id, updateId) is { } notFound
            ? notFound
            : await gate.WriteAsync(http, new CorrectPost(updateId, request.Body!, request.Reason!, request.StatedAt),
                e => UpdateCreated(collection, id, e[0].Id));

    private static async Task<Results<Created<EntryCreated>, ValidationProblem, ProblemHttpResult>> RedactUpdate(string collection,
        string id, string updateId, RedactionRequest request, HttpContext http, WriteGate gate, LedgerService ledger) =>
        BelongsTo(ledger.Current, collection, id, updateId) is { } notFound
            ? notFound
            : await gate.WriteAsync(http, new RedactPost(updateId, request.Reason!),
                e => UpdateCreated(collection, id, updateId) with { Response = new EntryCreated(e[0].Id) });

    // Renders exactly as the public page will: the same pipeline, raw HTML off, only http/https/mailto links.
    private static Results<Ok<PreviewResponse>, ValidationProblem> Preview(PreviewRequest request) =>
        TypedResults.Ok(new PreviewResponse(MarkdownRenderer.ToHtml(request.Body ?? "")));

    private static Results<Ok<IncidentView>, ProblemHttpResult> GetIncident(string id, LedgerService ledger) =>
        ledger.Current.Incidents.TryGetValue(id, out var incident)
            ? TypedResults.Ok(ApiViews.Of(incident))
            : Problems.Of(RuleCatalogue.IncidentNotFound, $"There is no incident '{id}'.", "id");

    private static Results<Ok<PostView>, ProblemHttpResult> GetIncidentUpdate(string id, string updateId, LedgerService ledger) =>
        ledger.Current.Incidents.TryGetValue(id, out var incident) && incident.AllPosts.Find(p => p.Id == updateId) is { } post
            ? TypedResults.Ok(ApiViews.Of(post))
            : Problems.Of(RuleCatalogue.UpdateNotFound, $"Incident '{id}' has no update '{updateId}'.", "update_id");

    private static Results<Ok<MaintenanceView>, ProblemHttpResult> GetMaintenance(string id, LedgerService ledger) =>
        ledger.Current.Maintenances.TryGetValue(id, out var maintenance)
            ? TypedResults.Ok(ApiViews.Of(maintenance))
            : Problems.Of(RuleCatalogue.MaintenanceNotFound, $"There is no maintenance '{id}'.", "id");

    // An update id in a route must belong to the incident or maintenance the route names, under its own collection.
    private static ProblemHttpResult? BelongsTo(StatusSnapshot state, string collection, string subjectId, string updateId) =>
        state.PostOwners.TryGetValue(updateId, out var owner) && owner == subjectId
            && (collection == "incidents" ? state.Incidents.ContainsKey(subjectId) : state.Maintenances.ContainsKey(subjectId))
            ? null
            : Problems.Of(RuleCatalogue.UpdateNotFound, $"'{subjectId}' has no update '{updateId}'.", "update_id");

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
