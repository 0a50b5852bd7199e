using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StatusPage.Server.Edge;
using StatusPage.Client.Contracts;
using StatusPage.Server.History;
using StatusPage.Server.Site;

namespace StatusPage.Server.WriteApi;

// The lists the console reads: incidents, maintenance, components, providers and the starting texts of content/templates.
internal static class ListEndpoints
{
    private const int MaxLimit = 500;

    public static RouteGroupBuilder MapLists(this RouteGroupBuilder read)
    {
        read.MapGet("/incidents", ListIncidents);
        read.MapGet("/maintenance", ListMaintenance);
        read.MapGet("/components", ListComponents);
        read.MapGet("/providers", ListProviders);
        read.MapGet("/templates", ListTemplates);
        return read;
    }

    // state=open (default): unresolved, newest first; state=all: every incident, newest first.
    private static Results<Ok<IncidentSummary[]>, ValidationProblem> ListIncidents(LedgerService ledger, string? state = null, int? limit = null)
    {
        if (CheckList(state, ["open", "all"], limit) is { } invalid)
        {
            return invalid;
        }
        var incidents = ledger.Current.IncidentsNewestFirst
            .Where(i => state == "all" || i.Status != IncidentStatus.Resolved)
            .Take(limit ?? 100)
            .Select(i => new IncidentSummary(i.Id, i.Title, i.Impact, i.Status, i.StartedAt, i.ResolvedAt, i.LastStatedAt, i.NextUpdateBy,
                [.. i.ComponentIds]));
        return TypedResults.Ok(incidents.ToArray());
    }

    // state=active (default): scheduled, in progress or verifying, soonest first; state=all: every window, newest first.
    private static Results<Ok<MaintenanceSummary[]>, ValidationProblem> ListMaintenance(LedgerService ledger, string? state = null,
        int? limit = null)
    {
        if (CheckList(state, ["active", "all"], limit) is { } invalid)
        {
            return invalid;
        }
        var all = ledger.Current.Maintenances.Values;
        var windows = state == "all"
            ? all.OrderByDescending(m => m.ScheduledFor)
            : all.Where(m => !m.Status.IsTerminal()).OrderBy(m => m.ScheduledFor);
        return TypedResults.Ok(windows.ThenBy(m => m.Id, StringComparer.Ordinal).Take(limit ?? 100)
            .Select(m => new MaintenanceSummary(m.Id, m.Title, m.Status, m.ScheduledFor, m.ScheduledUntil, m.LastStatedAt, [.. m.ComponentIds]))
            .ToArray());
    }

    private static Ok<ComponentView[]> ListComponents(LedgerService ledger)
    {
        var state = ledger.Current;
        return TypedResults.Ok(state.ComponentsInOrder.Select(c => View(state, c)).ToArray());
    }

    private static Ok<ProviderView[]> ListProviders(LedgerService ledger) =>
        TypedResults.Ok(ledger.Current.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new ProviderView(p.Id, p.Name, p.Url)).ToArray());

    // Read from content/templates at each call: an edited template is offered at once, and the ledger is not involved.
    private static async Task<Ok<TemplateView[]>> ListTemplates(IOptions<StatusPageOptions> options, IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        var folder = Path.Combine(options.Value.Resolve(environment.ContentRootPath).ContentPath, "templates");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.md").Order(StringComparer.Ordinal).ToArray() : [];
        var templates = new List<TemplateView>();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var title = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name.Replace('-', ' '));
            templates.Add(new TemplateView(name, title, (await File.ReadAllTextAsync(file, cancellationToken)).TrimEnd()));
        }
        return TypedResults.Ok(templates.ToArray());
    }

    public static ComponentView View(StatusSnapshot state, ServiceComponent c) =>
        new(c.Id, c.Name, c.Description, c.GroupId, c.GroupId is { } g && state.Groups.TryGetValue(g, out var group) ? group.Name : null,
            c.SlaTarget, c.Position, c.Status);

    private static ValidationProblem? CheckList(string? state, string[] states, int? limit)
    {
        var violations = new List<Problems.Violation>();
        if (state is not null && !states.Contains(state))
        {
            violations.Add(new("state", "one_of", $"The state must be one of: {string.Join(", ", states)}."));
        }
        if (limit is < 1 or > MaxLimit)
        {
            violations.Add(new("limit", "range", $"The limit must be between 1 and {MaxLimit}."));
        }
        return violations.Count > 0 ? Problems.Validation(violations) : null;
    }
}
