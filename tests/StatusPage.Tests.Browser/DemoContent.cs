using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace StatusPage.Tests.Browser;

// What the page should show, read straight from the content files the server ingested (independently of the server's parser).
public static partial class DemoContent
{
    public static string ContentPath => TestPaths.RepositoryContent;

    // Incidents whose file has no `resolved` section, i.e. those the home page must list.
    public static IReadOnlyList<ContentIncident> OpenIncidents() =>
        [.. Directory.GetFiles(Path.Combine(ContentPath, "incidents"), "*.md")
            .Order(StringComparer.Ordinal)
            .Select(ContentIncident.Read)
            .Where(i => !i.Sections.Any(s => s.What == "resolved"))];

    // Every component declared in site.yml (grouped and ungrouped), by id.
    public static IReadOnlyDictionary<string, string> ComponentNames()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(ContentPath, "site.yml")))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in Sequence(root, "groups").OfType<YamlMappingNode>())
        {
            AddComponents(group, names);
        }
        AddComponents(root, names);
        return names;
    }

    private static void AddComponents(YamlMappingNode parent, Dictionary<string, string> names)
    {
        foreach (var component in Sequence(parent, "components").OfType<YamlMappingNode>())
        {
            names.Add(Scalar(component, "id"), Scalar(component, "name"));
        }
    }

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode sequence ? sequence : [];

    private static string Scalar(YamlMappingNode node, string key) =>
        ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value ?? "";

    [GeneratedRegex(@"^## (?<time>\S+) (?<what>\S+)")]
    internal static partial Regex SectionHeading();

    [GeneratedRegex(@"^(?<key>[a-z_]+):\s*(?<value>.*)$")]
    internal static partial Regex MetadataLine();
}

public sealed record ContentIncident(string Id, string File, IReadOnlyList<ContentSection> Sections)
{
    public static ContentIncident Read(string path)
    {
        var lines = System.IO.File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "---")
        {
            throw new InvalidDataException($"{path}: no front matter");
        }
        var frontMatterEnd = Array.IndexOf(lines, "---", 1);
        var id = lines[1..frontMatterEnd]
            .Select(l => DemoContent.MetadataLine().Match(l))
            .First(m => m.Success && m.Groups["key"].Value == "id")
            .Groups["value"].Value.Trim();

        var sections = new List<ContentSection>();
        for (var i = frontMatterEnd + 1; i < lines.Length; i++)
        {
            var heading = DemoContent.SectionHeading().Match(lines[i]);
            if (!heading.Success)
            {
                continue;
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var j = i + 1;
            for (; j < lines.Length && DemoContent.MetadataLine().Match(lines[j]) is { Success: true } meta; j++)
            {
                metadata[meta.Groups["key"].Value] = meta.Groups["value"].Value.Trim();
            }
            var firstBodyLine = lines.Skip(j)
                .TakeWhile(l => !DemoContent.SectionHeading().IsMatch(l))
                .FirstOrDefault(l => l.Trim().Length > 0) ?? "";
            var statedAt = DateTimeOffset.Parse(heading.Groups["time"].Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            sections.Add(new ContentSection(statedAt, heading.Groups["what"].Value, metadata, firstBodyLine.Trim()));
        }
        return new ContentIncident(id, path, sections);
    }

    // The component statuses the latest section that names any states, e.g. query-api → degraded_performance.
    public IReadOnlyDictionary<string, string> LatestComponentStatuses() =>
        Sections.LastOrDefault(s => s.Metadata.ContainsKey("components"))?.Metadata["components"]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('='))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}

public sealed record ContentSection(DateTimeOffset StatedAt, string What, IReadOnlyDictionary<string, string> Metadata, string FirstBodyLine)
{
    // The start of the first body line, up to the first Markdown markup character, to find in the rendered text.
    public string PlainTextOpening
    {
        get
        {
            var end = FirstBodyLine.IndexOfAny(['`', '*', '_', '[', '<', '\\', '#', '>']);
            var plain = end < 0 ? FirstBodyLine : FirstBodyLine[..end];
            return plain.Length > 40 ? plain[..40] : plain.TrimEnd();
        }
    }
}
