using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace StatusPage.Tests.Unit;

// The layout of StatusPage.Server/ARCHITECTURE.md, checked on the compiled types: folders (first namespace segment under
// StatusPage.Server) form no cycle, and the core uses nothing above it. Failures name the types that make the edge.
public sealed class ArchitectureTests
{
    private const string Root = "StatusPage.Server";

    // What each core folder may use of the server; anything outside StatusPage.Server (the client contracts, the framework) is fine.
    private static readonly Dictionary<string, string[]> CoreMayUse = new()
    {
        ["Ledger"] = [],
        ["Transparency"] = ["Ledger"],
        ["History"] = ["Ledger", "Transparency"],
    };

    private static readonly Lazy<IReadOnlyList<Edge>> Edges = new(LoadEdges);

    [Fact]
    public void The_folders_of_the_server_form_no_cycle()
    {
        var graph = Edges.Value.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToHashSet());
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, "Namespace cycles:\n" + string.Join("\n", cycles.Select(c =>
            $"[{string.Join(" ", c.Order(StringComparer.Ordinal))}] through\n"
            + Describe(Edges.Value.Where(e => c.Contains(e.From) && c.Contains(e.To))))));
    }

    [Fact]
    public void The_core_uses_nothing_above_it()
    {
        var offending = Edges.Value.Where(e => CoreMayUse.TryGetValue(e.From, out var allowed) && !allowed.Contains(e.To)).ToList();

        Assert.True(offending.Count == 0, "The core (Ledger, Transparency, History) reaches above itself:\n" + Describe(offending));
    }

    [Fact]
    public void The_dependency_model_sees_known_edges()
    {
        // Guards the two tests above against a model that sees nothing: these edges exist by design.
        Assert.Contains(Edges.Value, e => e.From == "History" && e.To == "Ledger");
        Assert.Contains(Edges.Value, e => e.From == "WriteApi" && e.To == "History");
    }

    // A routable page outside PublicSite/ once lacked the folder's [CachedPage] (Providers/, Sla/): it answered HEAD with 404
    // and its French twin linked English pages. Every page the server routes is public, so every one must be declared.
    [Fact]
    public void Every_page_the_server_routes_is_served_from_the_page_cache()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), inherit: false).Length > 0).ToList();
        var undeclared = pages.Where(t => !t.IsDefined(typeof(StatusPage.Server.HttpCache.CachedPageAttribute), inherit: false))
            .Select(t => t.FullName).ToList();

        Assert.True(pages.Count >= 12, $"only {pages.Count} routable pages found");
        Assert.True(undeclared.Count == 0, "Not page-cache pages: " + string.Join(", ", undeclared));
    }

    private sealed record Edge(string From, string To, string OriginType, string TargetType);

    private static IReadOnlyList<Edge> LoadEdges()
    {
        var architecture = new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();
        return [.. architecture.Types
            .SelectMany(type => type.Dependencies)
            // A method's type parameter is no dependency (ArchUnitNET files it under the namespace of whoever declared one first).
            .Where(d => d.Target is not GenericParameter)
            .Select(d => (From: FolderOf(d.Origin), To: FolderOf(d.Target), d.Origin, d.Target))
            .Where(d => d.From is not null && d.To is not null && d.From != d.To)
            .Select(d => new Edge(d.From!, d.To!, d.Origin.FullName, d.Target.FullName))
            .Distinct()];
    }

    // "StatusPage.Server.History.Access" → "History"; the root namespace (Program) is the composition root and is left out.
    private static string? FolderOf(IType type)
    {
        var ns = type.Namespace?.FullName ?? "";
        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }
        return ns[(Root.Length + 1)..].Split('.')[0];
    }

    private static string Describe(IEnumerable<Edge> edges) => string.Join("\n", edges
        .GroupBy(e => (e.From, e.To))
        .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
        .Select(g => $"  {g.Key.From} -> {g.Key.To}: " + string.Join("; ", g
            .Select(e => $"{e.OriginType} uses {e.TargetType}").Distinct().Order(StringComparer.Ordinal).Take(5))));

    // Tarjan's strongly connected components.
    private static List<HashSet<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<HashSet<string>>();
        var nodes = graph.Keys.Concat(graph.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal).ToList();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.TryGetValue(node, out var targets) ? targets : [])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], nextIndex);
                }
            }
            if (low[node] == index[node])
            {
                var component = new HashSet<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return components;
    }
}
