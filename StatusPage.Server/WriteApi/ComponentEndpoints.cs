using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Ledger;

namespace StatusPage.Server.WriteApi;

// Admins declare and change components through the same component.declared entries content ingestion appends.
public static class ComponentEndpoints
{
    public static RouteGroupBuilder MapComponentWrites(this RouteGroupBuilder admin)
    {
        admin.MapPost("/components", Declare).Accepts<ComponentRequest>("application/json");
        admin.MapPatch("/components/{id}", Change).Accepts<ComponentRequest>("application/json");
        return admin;
    }

    private static async Task<Results<Created<ComponentView>, ValidationProblem, ProblemHttpResult>> Declare(HttpContext http,
        ClaimsPrincipal user, WriteGate gate, LedgerService ledger)
    {
        var body = await JsonBody.ReadAsync<ComponentRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        var request = body.Value!;
        if (new DeclareComponentValidator(gate.Context()).Validate(request) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        var state = ledger.Current;
        if (state.Components.ContainsKey(request.Id!))
        {
            return Problems.Of(StatusCodes.Status409Conflict, "The request conflicts with the current state.",
                $"There is already a component '{request.Id}'; change it with PATCH /api/v1/components/{request.Id}.", "id", "unique_id");
        }
        var position = state.Components.IsEmpty ? 0 : state.Components.Values.Max(c => c.Position) + 1;
        var command = new DeclareComponent(request.Id!, request.Name!.Trim(), Blank(request.Description), Blank(request.Group),
            request.SlaTarget, position);
        var result = await ledger.AppendAsync(command, user.Identity!.Name!, http.RequestAborted);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.Created($"/api/v1/components/{request.Id}",
            ListEndpoints.View(result.Snapshot, result.Snapshot.Components[request.Id!]));
    }

    // Absent fields keep their value; "" clears the description or the group.
    private static async Task<Results<Ok<ComponentView>, ValidationProblem, ProblemHttpResult>> Change(string id, HttpContext http,
        ClaimsPrincipal user, WriteGate gate, LedgerService ledger)
    {
        if (!ledger.Current.Components.TryGetValue(id, out var existing))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Not found.", $"There is no component '{id}'.", "id", "known_component");
        }
        var body = await JsonBody.ReadAsync<ComponentRequest>(http.Request);
        if (body.Problem is { } malformed)
        {
            return malformed;
        }
        var request = body.Value!;
        if (new ChangeComponentValidator(gate.Context()).Validate(request) is { IsValid: false } invalid)
        {
            return Problems.Validation(invalid);
        }
        var command = new DeclareComponent(id, request.Name?.Trim() ?? existing.Name,
            request.Description is null ? existing.Description : Blank(request.Description),
            request.Group is null ? existing.GroupId : Blank(request.Group),
            request.SlaTarget ?? existing.SlaTarget, existing.Position);
        var result = await ledger.AppendAsync(command, user.Identity!.Name!, http.RequestAborted);
        if (result.Violation is { } violation)
        {
            return Problems.AsValidation(violation) is { } invalidField ? invalidField : Problems.AsProblem(violation);
        }
        return TypedResults.Ok(ListEndpoints.View(result.Snapshot, result.Snapshot.Components[id]));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
