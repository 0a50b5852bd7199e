using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
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

public enum SectionKind { Status, Correction, Postmortem, ProviderStatus }

public sealed record ContentSection(
    int Line,
    DateTimeOffset StatedAt,
    SectionKind Kind,
    string? Status,
    DateTimeOffset? Corrects,
    ImmutableSortedDictionary<string, string>? Components,
    DateTimeOffset? NextUpdateBy,
    string? Reason,
    string Body)
{
    // For a provider_status section: what the provider's page said (the heading names the provider).
    public ObservedStatus? Observed { get; init; }
}

// "## <time> provider_status <provider id>" with "indicator:", "description:" and "source:" lines: an example of what the
// server's provider watch records (provider.status_observed), for demo or backfilled history.
public sealed record ObservedStatus(string Provider, string? Indicator, string? Description, string? Source);

// FrontMatterLines: the file line of each top-level front matter key, to point at the field a person should look at.
public sealed record ContentFile(string Path, FrontMatter Front, ImmutableArray<ContentSection> Sections,
    ImmutableDictionary<string, int> FrontMatterLines)
{
    public int LineOf(string key) => FrontMatterLines.TryGetValue(key, out var line) ? line : 2;
}

// Reads incidents/*.md and maintenance/*.md: YAML front matter, then one "## <time> <what>" section per update (content/README.md,
// tests/StatusPage.Tests.Unit/Content/content-format.spec.md). Markdig finds the sections, so a "## " line inside a code block,
// a quote or a list stays in its update's text; each body is then sliced from the source text, exactly as written.
internal static partial class ContentFiles
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    // The block rules of MarkdownRenderer (raw HTML off, so an unclosed "<!--" cannot swallow the sections after it), plus
    // front matter.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .DisableHtml()
        .Build();

    private static readonly string[] FrontMatterKeys =
        ["id", "title", "impact", "components", "started_at", "cause", "provider", "ticket", "scheduled_for", "scheduled_until"];

    [GeneratedRegex(@"\s*\(at Line: \d+, Col: \d+, Idx: \d+\)")]
    private static partial Regex PositionInYaml();

    [GeneratedRegex(@"^##[ \t]+(?<time>\S+)[ \t]+(?<what>[a-z_]+)(?:[ \t]+(?<target>\S+))?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^(?<key>components|next_update_by|reason):\s*(?<value>.*)$")]
    private static partial Regex Metadata();

    [GeneratedRegex(@"^(?<key>indicator|description|source):\s*(?<value>.*)$")]
    private static partial Regex ObservedMetadata();

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_]*)[ \t]*:")]
    private static partial Regex FrontMatterKey();

    [GeneratedRegex(@"^ {0,3}##[ \t]", RegexOptions.Multiline)]
    private static partial Regex HeadingLike();

    public static IDeserializer YamlReader => Yaml;

    public static (ContentFile? File, ImmutableArray<ContentProblem> Problems) Parse(string displayPath, string text)
    {
        // Bodies were always recorded with "\n" line ends: a checkout with CRLF must read the same texts.
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var document = Markdig.Markdown.Parse(text, Pipeline);
        var yamlStart = Math.Min(text.Length, LineEnd(text, 0) + 1);
        int closingLine;
        if (document.FirstOrDefault() is YamlFrontMatterBlock frontBlock)
        {
            // The block's span ends inside its closing '---' line.
            closingLine = Math.Max(yamlStart, LineStart(text, Math.Min(frontBlock.Span.End, text.Length)));
        }
        else if (LineAt(text, 0).Trim() == "---" && yamlStart < text.Length && LineAt(text, yamlStart).Trim() == "---")
        {
            // Markdig does not see an empty front matter; the file is still well formed.
            closingLine = yamlStart;
        }
        else
        {
            return (null, [new ContentProblem(displayPath, 1, LineAt(text, 0).Trim() == "---"
                ? "the front matter is not closed by a '---' line"
                : "the file must start with YAML front matter between '---' lines")]);
        }
        var yaml = text[yamlStart..closingLine];
        FrontMatter front;
        try
        {
            front = Yaml.Deserialize<FrontMatter>(yaml) ?? new FrontMatter();
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            return (null, [new ContentProblem(displayPath, line + 1, "bad YAML: " + DescribeYamlError(e, yaml.Split('\n').ElementAtOrDefault(line - 1)))]);
        }
        var problems = ImmutableArray.CreateBuilder<ContentProblem>();
        var lines = new LineCounter(text);
        var headings = document.OfType<HeadingBlock>()
            .Where(h => h is { Level: 2, IsSetext: false })
            .Select(h => LineStart(text, h.Span.Start))
            .ToList();
        var afterFront = Math.Min(text.Length, LineEnd(text, closingLine) + 1);
        var preamble = text[afterFront..(headings.Count > 0 ? headings[0] : text.Length)];
        if (preamble.Split('\n').Select((line, index) => (line, index)).FirstOrDefault(l => l.line.Trim().Length > 0) is { line: not null } stray)
        {
            problems.Add(new ContentProblem(displayPath, lines.LineOf(afterFront) + stray.index,
                "text before the first '## <time> <status>' section is ignored"));
        }
        var swallowing = document.OfType<FencedCodeBlock>()
            .FirstOrDefault(f => f.ClosingFencedCharCount == 0 && HeadingLike().IsMatch(text, LineEnd(text, f.Span.Start)));
        if (swallowing is not null)
        {
            problems.Add(new ContentProblem(displayPath, lines.LineOf(swallowing.Span.Start),
                $"the code block opened here with '{new string(swallowing.FencedChar, swallowing.OpeningFencedCharCount)}' is never closed, " +
                "so the '## ' lines after it would be code in this update instead of updates of their own; this update is not read " +
                "until a line of " + new string(swallowing.FencedChar, swallowing.OpeningFencedCharCount) + " closes the block"));
        }
        var sections = ImmutableArray.CreateBuilder<ContentSection>();
        for (var i = 0; i < headings.Count; i++)
        {
            var start = headings[i];
            var next = i + 1 < headings.Count ? headings[i + 1] : text.Length;
            if (swallowing is not null && swallowing.Span.Start >= start && swallowing.Span.Start < next)
            {
                continue;
            }
            var line = lines.LineOf(start);
            var headingEnd = LineEnd(text, start);
            var heading = text[start..headingEnd].TrimStart(' ');
            var content = headingEnd < next ? text[(headingEnd + 1)..next] : "";
            if (ParseSection(displayPath, line, heading, content, problems) is { } section)
            {
                sections.Add(section);
            }
            else
            {
                problems.Add(new ContentProblem(displayPath, line,
                    $"cannot read the section heading '{heading}'; expected '## 2026-06-14T02:03:00Z investigating' " +
                    "(a status), '## <time> correction <time of the corrected update>' or '## <time> postmortem'"));
            }
        }
        return (new ContentFile(displayPath, front, sections.ToImmutable(), FrontMatterLines(yaml)), problems.ToImmutable());
    }

    // YamlDotNet speaks of .NET types and of lines counted from the YAML's start: say what is wrong with the key instead.
    private static string DescribeYamlError(YamlException e, string? line)
    {
        var key = line is null ? null : FrontMatterKey().Match(line) is { Success: true } match ? match.Groups["key"].Value : null;
        if (e is SyntaxErrorException or SemanticErrorException || key is null)
        {
            return PositionInYaml().Replace((e.InnerException ?? e).Message, "")
                + " A value that holds ': ' or ' #', or starts with [ { * & ! | > or a quote, must be put in quotes.";
        }
        if (e.Message.Contains("not found on type", StringComparison.Ordinal))
        {
            return $"unknown key '{key}'; the keys are {string.Join(", ", FrontMatterKeys)}";
        }
        return key == "components"
            ? "components must be a list of component ids like [ingestion-api, dashboard]"
            : $"{key} must be one value; in YAML a value that starts with '[' or '{{' is a list or a map, so put it in quotes";
    }

    // Each top-level key's file line; the YAML starts on line 2, after the opening '---'.
    private static ImmutableDictionary<string, int> FrontMatterLines(string yaml)
    {
        var lines = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var line in yaml.Split('\n'))
        {
            if (FrontMatterKey().Match(line) is { Success: true } key)
            {
                lines.TryAdd(key.Groups["key"].Value, index + 2);
            }
            index++;
        }
        return lines.ToImmutable();
    }

    private static int LineStart(string text, int position) => position == 0 ? 0 : text.LastIndexOf('\n', position - 1) + 1;

    private static int LineEnd(string text, int position)
    {
        var end = text.IndexOf('\n', Math.Min(position, text.Length));
        return end < 0 ? text.Length : end;
    }

    private static string LineAt(string text, int position) => text[LineStart(text, position)..LineEnd(text, position)];

    private static ContentSection? ParseSection(string path, int headingLine, string headingText, string content,
        ImmutableArray<ContentProblem>.Builder problems)
    {
        var heading = Heading().Match(headingText);
        if (!heading.Success || !TryParseTime(heading.Groups["time"].Value, out var statedAt))
        {
            return null;
        }
        var what = heading.Groups["what"].Value;
        var target = heading.Groups["target"];
        DateTimeOffset? corrects = null;
        var kind = what switch
        {
            "correction" => SectionKind.Correction,
            "postmortem" => SectionKind.Postmortem,
            "provider_status" => SectionKind.ProviderStatus,
            _ => SectionKind.Status,
        };
        if (kind == SectionKind.ProviderStatus)
        {
            return target.Success ? ObservedSection(headingLine, statedAt, target.Value, content) : null;
        }
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
        var lines = content.Split('\n');
        ImmutableSortedDictionary<string, string>? components = null;
        DateTimeOffset? nextUpdateBy = null;
        string? reason = null;
        var i = 0;
        for (; i < lines.Length && Metadata().Match(lines[i]) is { Success: true } meta; i++)
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
                        problems.Add(new ContentProblem(path, headingLine + 1 + i,
                            $"next_update_by '{value}' is not a time like 2026-06-14T02:30:00Z; ignored"));
                    }
                    break;
                default:
                    reason = value;
                    break;
            }
        }
        return new ContentSection(headingLine, statedAt, kind, kind == SectionKind.Status ? what : null, corrects, components,
            nextUpdateBy, reason, Body(lines, i));
    }

    private static ContentSection ObservedSection(int headingLine, DateTimeOffset observedAt, string provider, string content)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = content.Split('\n');
        var i = 0;
        for (; i < lines.Length && ObservedMetadata().Match(lines[i]) is { Success: true } meta; i++)
        {
            values[meta.Groups["key"].Value] = meta.Groups["value"].Value.Trim();
        }
        return new ContentSection(headingLine, observedAt, SectionKind.ProviderStatus, null, null, null, null, null, Body(lines, i))
        {
            Observed = new ObservedStatus(provider, values.GetValueOrDefault("indicator"), values.GetValueOrDefault("description"),
                values.GetValueOrDefault("source")),
        };
    }

    // The text as written, without the blank lines around it and the spaces that end it. The first line loses its indentation
    // too (as it always did), unless that indentation makes it an indented code block.
    private static string Body(string[] lines, int first)
    {
        while (first < lines.Length && lines[first].Trim(' ', '\t').Length == 0)
        {
            first++;
        }
        var body = string.Join('\n', lines[first..]).TrimEnd('\n', ' ', '\t');
        return IsCodeIndent(body) ? body : body.TrimStart(' ', '\t');
    }

    private static bool IsCodeIndent(string line)
    {
        var column = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                column++;
            }
            else if (c == '\t')
            {
                column += 4 - (column % 4);
            }
            else
            {
                break;
            }
            if (column >= 4)
            {
                return true;
            }
        }
        return false;
    }

    public static bool TryParseTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && text!.Contains('T', StringComparison.Ordinal);
}

// File line numbers of text positions, for positions visited in increasing order (one pass over the text).
internal sealed class LineCounter(string text)
{
    private int _position;
    private int _line = 1;

    public int LineOf(int position)
    {
        if (position < _position)
        {
            (_position, _line) = (0, 1);
        }
        for (; _position < position; _position++)
        {
            if (text[_position] == '\n')
            {
                _line++;
            }
        }
        return _line;
    }
}
