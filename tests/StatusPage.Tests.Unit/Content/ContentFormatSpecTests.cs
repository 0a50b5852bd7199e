using StatusPage.Server.Content;

namespace StatusPage.Tests.Unit.Content;

// Every example of content-format.spec.md: a content file and what ContentFiles.Parse reads from it.
public sealed class ContentFormatSpecTests
{
    private static readonly string SpecPath = Path.Combine(AppContext.BaseDirectory, "Content", "content-format.spec.md");

    public static TheoryData<string, string, string> Examples()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (name, file, expected) in ReadSpec())
        {
            data.Add(name, file, expected);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Reads_as_the_spec_says(string name, string file, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var (parsed, problems) = ContentFiles.Parse("incidents/example.md", file);

        Assert.Equal(expected, ContentDescription.Describe(parsed, problems, fullBodies: true).TrimEnd('\n'));
    }

    [Fact]
    public void The_spec_file_has_every_example()
    {
        Assert.True(ReadSpec().Count >= 28, $"{ReadSpec().Count} examples");
    }

    private static List<(string Name, string File, string Expected)> ReadSpec()
    {
        var text = File.ReadAllText(SpecPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        var examples = new List<(string, string, string)>();
        foreach (var block in text.Split("\n====\n").Where(b => b.Contains("\n### ", StringComparison.Ordinal) || b.StartsWith("### ", StringComparison.Ordinal)))
        {
            var example = block[block.IndexOf("### ", StringComparison.Ordinal)..];
            var nameEnd = example.IndexOf('\n', StringComparison.Ordinal);
            var parts = example[(nameEnd + 1)..].Split("\n.\n", 2);
            var file = parts[0].Replace("␍", "\r", StringComparison.Ordinal).Replace("→", "\t", StringComparison.Ordinal) + "\n";
            examples.Add((example[4..nameEnd], file, parts[1].TrimEnd('\n')));
        }
        return examples;
    }
}
