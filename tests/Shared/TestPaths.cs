namespace StatusPage.Tests;

// Where the repository, its content and the test output folder are, found from the test binaries.
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string RepositoryContent => Path.Combine(RepositoryRoot, "content");

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "StatusPage.Server.dll");

    public static string TestOutput
    {
        get
        {
            var dir = Path.Combine(RepositoryRoot, "test-output");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StatusPage.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (StatusPage.slnx) above " + AppContext.BaseDirectory);
    }
}
