using StatusPage.Server.Ledger;
using StatusPage.Server.Publishing;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;

namespace StatusPage.Server.Cli;

// `export-site DIR`: this server, started on a loopback port over its data file, writes its public site as static files
// (StaticExport/SiteExporter) and stops. Run from Program.cs, since it needs the app's pages; other settings work as for the server.
internal sealed class SiteExportVerb(string directory, string[] hostArgs)
{
    public const string Name = "export-site";

    // The app only serves its pages to the export: no delivery, email, provider watch or automatic publish (Site/HostMode).
    public string[] HostArgs { get; } = [.. hostArgs, HostMode.SiteReaderArgument];

    // Null unless the arguments start with the verb and a folder (help and a missing folder are CommandLine's).
    public static SiteExportVerb? From(string[] args) =>
        args.Length >= 2 && args[0] == Name && !args[1].StartsWith('-') && !args[2..].Any(a => a is "--help" or "-h" or "-?")
            ? new SiteExportVerb(args[1], args[2..])
            : null;

    public int Run(WebApplication app, TextWriter output, TextWriter error) => RunAsync(app, output, error).GetAwaiter().GetResult();

    private async Task<int> RunAsync(WebApplication app, TextWriter output, TextWriter error)
    {
        try
        {
            using var client = await LoopbackSite.StartAsync(app);
            var started = System.Diagnostics.Stopwatch.StartNew();
            // Nothing writes while the verb holds the data file: one snapshot and one clock reading describe the whole export.
            var versions = PageVersions.Of(app.Services);
            var result = await new SiteExporter(client, directory, versions).ExportAsync();
            output.WriteLine($"{result.Files} files, {result.Bytes} bytes in {directory}: {result.Rendered} rendered, {result.Kept} pages kept, " +
                $"{result.Written} written, {result.Unchanged} unchanged, {result.Deleted} deleted ({started.Elapsed.TotalSeconds:0.00} s)");
            output.WriteLine($"{result.BytesWritten} bytes written (manifest {result.ManifestBytes}), {result.LedgerFetched} ledger files fetched");
            output.WriteLine(result.Phases);
            foreach (var url in result.Skipped)
            {
                error.WriteLine($"skipped {url}: not answered with 200");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or DataFileInUseException)
        {
            error.WriteLine($"export-site: {e.Message}");
            return 1;
        }
        finally
        {
            await LoopbackSite.StopAsync(app);
        }
    }
}
