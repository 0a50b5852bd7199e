namespace StatusPage.Server.Site;

// Configuration section "StatusPage": set in appsettings, as StatusPage__DataPath in the environment, or --StatusPage:DataPath=...
internal sealed class StatusPageOptions
{
    public const string Section = "StatusPage";

    public string DataPath { get; set; } = Path.Combine("data", "statuspage.db");

    public string? ContentPath { get; set; }

    // Start from the read-model snapshot beside the data file (History/ReadModelSnapshot.cs) and verify the chain in the
    // background, instead of replaying the whole ledger before serving (issue 15). On by default since the fifteenth session,
    // when it met the restart budget at 100,000 entries (bench/startup.sh --snapshot); false replays before serving.
    public bool ReadModelSnapshot { get; set; } = true;

    // Resolves both paths: relative ones against the repository root (the folder holding content/), so `dotnet run` works from anywhere.
    public (string DataPath, string ContentPath) Resolve(string contentRoot)
    {
        var root = FindRepositoryRoot(contentRoot) ?? FindRepositoryRoot(AppContext.BaseDirectory) ?? contentRoot;
        var content = ContentPath is { Length: > 0 } configured ? Path.GetFullPath(configured, root) : Path.Combine(root, "content");
        return (Path.GetFullPath(DataPath, root), content);
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "content", "site.yml")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
