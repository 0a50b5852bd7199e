using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.Markdown;

// The one Markdown pipeline (pages, feeds, preview). Raw HTML is off; links keep only http, https and mailto.
internal static class MarkdownRenderer
{
    private static readonly string[] AllowedSchemes = ["http", "https", "mailto"];

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    public static string ToHtml(string markdown)
    {
        // Markdig escapes only markup characters: a control character or noncharacter already in a ledger would reach the page raw.
        var document = Markdig.Markdown.Parse(SafeText.Clean(markdown), Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage || !IsAllowed(link.Url))
            {
                Unwrap(link, link.IsImage && IsAllowed(link.Url));
            }
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!autolink.IsEmail && !IsAllowed(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            }
        }
        return document.ToHtml(Pipeline);
    }

    public static bool IsAllowed(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }
        var trimmed = url.Trim();
        if (trimmed.StartsWith('#') || (trimmed.StartsWith('/') && !trimmed.StartsWith("//", StringComparison.Ordinal)))
        {
            return true;
        }
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && AllowedSchemes.Contains(uri.Scheme);
    }

    // A refused link shows its text; an image becomes a plain link to it (third-party images would break the CSP).
    private static void Unwrap(LinkInline link, bool keepAsLink)
    {
        if (keepAsLink)
        {
            var replacement = new LinkInline(link.Url!, link.Title ?? "");
            var alt = PlainText(link);
            replacement.AppendChild(new LiteralInline(alt.Length > 0 ? alt : link.Url!));
            link.ReplaceBy(replacement, copyChildren: false);
            return;
        }
        link.ReplaceBy(new LiteralInline(PlainText(link)), copyChildren: false);
    }

    private static string PlainText(ContainerInline container) => string.Concat(container.Select(inline => inline switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        ContainerInline nested => PlainText(nested),
        _ => "",
    }));
}
