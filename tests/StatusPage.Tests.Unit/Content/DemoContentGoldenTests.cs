using StatusPage.Server.Content;

namespace StatusPage.Tests.Unit.Content;

// demo-content.golden was written by the line-splitting parser before content was parsed with Markdig. Data files everywhere
// hold what that parser read, so the Markdig parser must read every demo file the same, body for body, or a server on an
// existing data file would report every update as changed.
public sealed class DemoContentGoldenTests
{
    private static readonly string GoldenPath = Path.Combine(AppContext.BaseDirectory, "Content", "demo-content.golden");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Golden().Keys)
        {
            data.Add(path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_demo_file_reads_exactly_as_the_line_splitting_parser_read_it(string path)
    {
        var (file, problems) = ContentFiles.Parse(path, File.ReadAllText(Path.Combine(TestPaths.RepositoryContent, path)));

        Assert.Equal(Golden()[path], ContentDescription.Describe(file, problems, fullBodies: false));
    }

    [Fact]
    public void The_golden_covers_every_incident_and_maintenance_file_it_was_made_from()
    {
        Assert.True(Golden().Count >= 40, $"{Golden().Count} files");
    }

    private static Dictionary<string, string> Golden()
    {
        var text = File.ReadAllText(GoldenPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.Split("\n==== ")[1..]
            .Select(block => block.Split('\n', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
    }
}
