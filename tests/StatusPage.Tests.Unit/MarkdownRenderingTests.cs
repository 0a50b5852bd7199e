using System.Text.RegularExpressions;
using StatusPage.Server.Markdown;

namespace StatusPage.Tests.Unit;

public sealed partial class MarkdownRenderingTests
{
    public static TheoryData<string, string, string> Examples()
    {
        var data = new TheoryData<string, string, string>();
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Markdown", "rendering.spec.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var block in text.Split("\n====\n").Where(b => b.Contains("\n### ", StringComparison.Ordinal) || b.StartsWith("### ", StringComparison.Ordinal)))
        {
            var example = block[block.IndexOf("### ", StringComparison.Ordinal)..];
            var nameEnd = example.IndexOf('\n', StringComparison.Ordinal);
            var parts = example[(nameEnd + 1)..].Split("\n.\n", 2);
            data.Add(example[4..nameEnd], parts[0], parts[1].TrimEnd('\n'));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Renders_as_the_golden_spec_says(string name, string markdown, string expectedHtml)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expectedHtml, MarkdownRenderer.ToHtml(markdown).TrimEnd('\n'));
    }

    [Fact]
    public void The_spec_file_has_every_example()
    {
        Assert.True(Examples().Count >= 12);
    }

    [Theory]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("[a](JAVASCRIPT:alert(1))")]
    [InlineData("[a](  javascript:alert(1))")]
    [InlineData("[a](vbscript:msgbox(1))")]
    [InlineData("[a](jav&#x09;ascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=//evil></iframe>")]
    [InlineData("[a]: javascript:alert(1)\n\n[x][a]")]
    [InlineData("\"><script>alert(1)</script>")]
    [InlineData("![a](https://x/\" onerror=\"alert(1))")]
    public void Hostile_markdown_never_produces_active_content(string markdown)
    {
        var html = MarkdownRenderer.ToHtml(markdown);

        Assert.DoesNotMatch(ActiveContent(), html);
    }

    // A real tag (escaped text starts with &lt;, not <) that is active, carries an event handler, or links to a script scheme.
    [GeneratedRegex(@"<(script|iframe|svg|img|object|embed)|<[a-z][^>]*\son\w+\s*=|href=""\s*(javascript|vbscript|data):", RegexOptions.IgnoreCase)]
    private static partial Regex ActiveContent();
}
