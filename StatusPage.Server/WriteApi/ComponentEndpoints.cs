using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;

namespace StatusPage.Server.WriteApi;

// Admins declare and change components through the same component.declared entries content ingestion appends.
internal static class ComponentEndpoints
{
    public static RouteGroupBuilder MapComponentWrites(this RouteGroupBuilder admin)
    {
        admin.MapPost("/components", Declare).Validates<ComponentRequest>(c => new DeclareComponentValidator(c));
        admin.MapPatch("/components/{id}", Change).Validates<ComponentRequest>(c => new ChangeComponentValidator(c));
        return admin;
    }

    private static async Task<Results<Created<ComponentView>, ValidationProblem, ProblemHttpResult>> Declare(ComponentRequest request,
        ClaimsPrincipal user, LedgerService ledger, CancellationToken cancellationToken)
    {
        var state = ledger.Current;
        if (state.Components.ContainsKey(request.Id!))
        {
            return Problems.Of(RuleCatalogue.UniqueId,
                $"There is already a component '{request.Id}'; change it with PATCH /api/v1/components/{request.Id}.", "id");
        }
        var position = state.Components.IsEmpty ? 0 : state.Components.Values.Max(c => c.Position) + 1;
        var command = new DeclareComponent(request.Id!, request.Name!.Trim(), Blank(request.Description), Blank(request.Group),
            request.SlaTarget, position);
        var result = await ledger.AppendAsync(command, user.Identity!.Name!, cancellationToken);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<Created<ComponentView>>(violation);
        }
        return TypedResults.Created($"/api/v1/components/{request.Id}",
            ListEndpoints.View(result.Snapshot, result.Snapshot.Components[request.Id!]));
    }

    // Absent fields keep their value; "" clears the description or the group.
    private static async Task<Results<Ok<ComponentView>, ValidationProblem, ProblemHttpResult>> Change(string id, ComponentRequest request,
        ClaimsPrincipal user, LedgerService ledger, CancellationToken cancellationToken)
    {
        if (!ledger.Current.Components.TryGetValue(id, out var existing))
        {
            return Problems.Of(RuleCatalogue.ComponentNotFound, RuleCatalogue.NoComponent(id), "id");
        }
        var command = new DeclareComponent(id, request.Name?.Trim() ?? existing.Name,
            request.Description is null ? existing.Description : Blank(request.Description),
            request.Group is null ? existing.GroupId : Blank(request.Group),
            request.SlaTarget ?? existing.SlaTarget, existing.Position);
        var result = await ledger.AppendAsync(command, user.Identity!.Name!, cancellationToken);
        if (result.Violation is { } violation)
        {
            return Problems.Refusal<Ok<ComponentView>>(violation);
        }
        return TypedResults.Ok(ListEndpoints.View(result.Snapshot, result.Snapshot.Components[id]));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
