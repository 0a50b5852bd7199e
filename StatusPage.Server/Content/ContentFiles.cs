using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace StatusPage.Server.Content;

// A problem in a content file, with the place a person should look.
public sealed record ContentProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

public sealed class FrontMatter
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Impact { get; set; }
    public List<string> Components { get; set; } = [];
    public string? StartedAt { get; set; }
    public string? Cause { get; set; }
    public string? Provider { get; set; }
    public string? Ticket { get; set; }
    public string? ScheduledFor { get; set; }
    public string? ScheduledUntil { get; set; }
}

public enum SectionKind { Status, Correction, Postmortem }

public sealed record ContentSection(
    int Line,
    DateTimeOffset StatedAt,
    SectionKind Kind,
    string? Status,
    DateTimeOffset? Corrects,
    ImmutableSortedDictionary<string, string>? Components,
    DateTimeOffset? NextUpdateBy,
    string? Reason,
    string Body);

public sealed record ContentFile(string Path, FrontMatter Front, ImmutableArray<ContentSection> Sections);

// Reads incidents/*.md and maintenance/*.md: YAML front matter, then one "## <time> <what>" section per update.
public static partial class ContentFiles
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    [GeneratedRegex(@"^## (?<time>\S+) (?<what>[a-z_]+)(?: (?<target>\S+))?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?<key>components|next_update_by|reason):\s*(?<value>.*)$")]
    private static partial Regex Metadata();

    public static IDeserializer YamlReader => Yaml;

    public static (ContentFile? File, ImmutableArray<ContentProblem> Problems) Parse(string displayPath, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var problems = ImmutableArray.CreateBuilder<ContentProblem>();
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return (null, [new ContentProblem(displayPath, 1, "the file must start with YAML front matter between '---' lines")]);
        }
        var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
        if (end < 0)
        {
            return (null, [new ContentProblem(displayPath, 1, "the front matter is not closed by a '---' line")]);
        }
        FrontMatter front;
        try
        {
            front = Yaml.Deserialize<FrontMatter>(string.Join('\n', lines[1..end])) ?? new FrontMatter();
        }
        catch (YamlException e)
        {
            return (null, [new ContentProblem(displayPath, (int)e.Start.Line + 1, $"bad YAML: {(e.InnerException ?? e).Message}")]);
        }
        var sections = ImmutableArray.CreateBuilder<ContentSection>();
        var i = end + 1;
        while (i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal))
        {
            if (lines[i].Trim().Length > 0)
            {
                problems.Add(new ContentProblem(displayPath, i + 1, "text before the first '## <time> <status>' section is ignored"));
                break;
            }
            i++;
        }
        while (i < lines.Length)
        {
            var start = i;
            var next = Array.FindIndex(lines, i + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            if (next < 0)
            {
                next = lines.Length;
            }
            if (ParseSection(displayPath, lines, start, next, problems) is { } section)
            {
                sections.Add(section);
            }
            else
            {
                problems.Add(new ContentProblem(displayPath, start + 1,
                    $"cannot read the section heading '{lines[start]}'; expected '## 2026-06-14T02:03:00Z investigating' " +
                    "(a status), '## <time> correction <time of the corrected update>' or '## <time> postmortem'"));
            }
            i = next;
        }
        return (new ContentFile(displayPath, front, sections.ToImmutable()), problems.ToImmutable());
    }

    private static ContentSection? ParseSection(string path, string[] lines, int start, int end,
        ImmutableArray<ContentProblem>.Builder problems)
    {
        var heading = Heading().Match(lines[start]);
        if (!heading.Success || !TryParseTime(heading.Groups["time"].Value, out var statedAt))
        {
            return null;
        }
        var what = heading.Groups["what"].Value;
        var target = heading.Groups["target"];
        DateTimeOffset? corrects = null;
        var kind = what switch { "correction" => SectionKind.Correction, "postmortem" => SectionKind.Postmortem, _ => SectionKind.Status };
        if (kind == SectionKind.Correction)
        {
            if (!target.Success || !TryParseTime(target.Value, out var correctsAt))
            {
                return null;
            }
            corrects = correctsAt;
        }
        else if (target.Success)
        {
            return null;
        }
        ImmutableSortedDictionary<string, string>? components = null;
        DateTimeOffset? nextUpdateBy = null;
        string? reason = null;
        var i = start + 1;
        for (; i < end && Metadata().Match(lines[i]) is { Success: true } meta; i++)
        {
            var value = meta.Groups["value"].Value.Trim();
            switch (meta.Groups["key"].Value)
            {
                case "components":
                    components = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
                        .ToImmutableSortedDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
                    break;
                case "next_update_by":
                    if (TryParseTime(value, out var next))
                    {
                        nextUpdateBy = next;
                    }
                    else
                    {
                        problems.Add(new ContentProblem(path, i + 1, $"next_update_by '{value}' is not a time like 2026-06-14T02:30:00Z; ignored"));
                    }
                    break;
                default:
                    reason = value;
                    break;
            }
        }
        var body = string.Join('\n', lines[i..end]).Trim('\n', ' ', '\t');
        return new ContentSection(start + 1, statedAt, kind, kind == SectionKind.Status ? what : null, corrects, components,
            nextUpdateBy, reason, body);
    }

    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && text!.Contains('T', StringComparison.Ordinal);
}
