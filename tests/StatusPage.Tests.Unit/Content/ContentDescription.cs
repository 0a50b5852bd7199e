using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using StatusPage.Server.Content;
using StatusPage.Server.Ledger;

namespace StatusPage.Tests.Unit.Content;

// A plain-text account of what ContentFiles.Parse read from a file: the expected side of the spec and of the demo golden.
public static class ContentDescription
{
    public static string Describe(ContentFile? file, ImmutableArray<ContentProblem> problems, bool fullBodies)
    {
        var text = new StringBuilder();
        if (file is not null)
        {
            var front = file.Front;
            var fields = new List<string>();
            Add(fields, "id", front.Id);
            Add(fields, "title", front.Title);
            Add(fields, "impact", front.Impact);
            if (front.Components.Count > 0)
            {
                fields.Add($"components=[{string.Join(", ", front.Components)}]");
            }
            Add(fields, "started_at", front.StartedAt);
            Add(fields, "cause", front.Cause);
            Add(fields, "provider", front.Provider);
            Add(fields, "ticket", front.Ticket);
            Add(fields, "scheduled_for", front.ScheduledFor);
            Add(fields, "scheduled_until", front.ScheduledUntil);
            text.Append("front matter: ").Append(fields.Count > 0 ? string.Join("; ", fields) : "(empty)").Append('\n');
            if (file.Sections.IsEmpty)
            {
                text.Append("no updates\n");
            }
            foreach (var section in file.Sections)
            {
                text.Append(CultureInfo.InvariantCulture, $"update at line {section.Line}: {Time(section.StatedAt)} ");
                text.Append(section.Kind switch
                {
                    SectionKind.Correction => $"correction of {Time(section.Corrects!.Value)}",
                    SectionKind.Postmortem => "postmortem",
                    SectionKind.ProviderStatus => $"provider_status of {section.Observed!.Provider}",
                    _ => section.Status,
                }).Append('\n');
                if (section.Observed is { } observed)
                {
                    text.Append(CultureInfo.InvariantCulture, $"observed: indicator={observed.Indicator}; description={observed.Description}; source={observed.Source}\n");
                }
                if (section.Components is { } components)
                {
                    text.Append("components: ").AppendJoin(", ", components.Select(c => $"{c.Key}={c.Value}")).Append('\n');
                }
                if (section.NextUpdateBy is { } next)
                {
                    text.Append("next_update_by: ").Append(Time(next)).Append('\n');
                }
                if (section.Reason is { } reason)
                {
                    text.Append("reason: ").Append(reason).Append('\n');
                }
                if (fullBodies)
                {
                    foreach (var line in section.Body.Split('\n'))
                    {
                        text.Append(line.Length == 0 ? "|" : "| " + Visible(line)).Append('\n');
                    }
                }
                else
                {
                    text.Append(CultureInfo.InvariantCulture, $"body: {section.Body.Length} characters, sha256 {LedgerEntry.Sha256Hex(section.Body)}\n");
                }
            }
        }
        foreach (var problem in problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"problem at line {problem.Line}: {problem.Message}\n");
        }
        return text.ToString();
    }

    private static string Visible(string line) =>
        line.Replace("\r", "␍", StringComparison.Ordinal).Replace("\t", "→", StringComparison.Ordinal);

    private static void Add(List<string> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add($"{name}={value}");
        }
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
