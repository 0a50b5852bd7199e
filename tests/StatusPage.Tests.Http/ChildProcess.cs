using System.Diagnostics;

namespace StatusPage.Tests.Http;

// A command run to its end with its exit code and both outputs (read together, so a full stderr pipe never stalls it): the
// server's verbs as their own process, and the Python tools a third party would run (tools/).
internal static class ChildProcess
{
    private const string Python = "/usr/bin/python3";

    public static async Task<(int Exit, string Output, string Error)> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    // `dotnet StatusPage.Server.dll ARGS` (the copy in this test project's bin: rebuild the project, not the server alone).
    public static Task<(int Exit, string Output, string Error)> ServerAsync(IEnumerable<string> args) =>
        RunAsync("dotnet", [TestPaths.ServerDll, .. args]);

    // `python3 tools/SCRIPT ARGS`.
    public static (int Exit, string Output, string Error) Tool(string script, params string[] args) =>
        RunAsync(Python, [Path.Combine(TestPaths.RepositoryRoot, "tools", script), .. args]).GetAwaiter().GetResult();
}
