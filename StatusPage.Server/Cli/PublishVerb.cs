using Microsoft.Extensions.Options;
using StatusPage.Server.Ledger;
using StatusPage.Server.Publishing;
using StatusPage.Server.Site;
using StatusPage.Server.StaticExport;

namespace StatusPage.Server.Cli;

// `publish [DIR]`: this server, started on a loopback port over its data file, exports its site into DIR (default
// StatusPage:Publish:ExportPath, incremental) and uploads it to the bucket (Publishing/). `publish --from DIR` uploads an existing
// export without opening the data file. Run from Program.cs like export-site, since the export needs the whole app.
internal sealed class PublishVerb
{
    public const string Name = "publish";

    private const string Usage = """
        usage: StatusPage.Server publish [DIR]          export the site into DIR (default: StatusPage:Publish:ExportPath, else
                                                        "site" beside the data file) and upload it to the bucket
               StatusPage.Server publish --from DIR     upload an existing export (export-site DIR) without opening the data file
        Uploads only what differs from the bucket's publish-manifest.json: new objects first, then changed files, then pages,
        the manifest last, deletions after it. A publish stopped midway is completed by the next one.
        Settings (also from appsettings.json or StatusPage__Publish__Bucket=... environment variables):
          --StatusPage:Publish:Bucket=NAME            the bucket (required)
          --StatusPage:Publish:Endpoint=URL           an S3-compatible store's API (R2, B2, MinIO); empty for AWS S3
          --StatusPage:Publish:Region=REGION          AWS region, or the store's signing region (R2: auto); default us-east-1
          --StatusPage:Publish:ForcePathStyle=true    bucket in the path (MinIO, most self-hosted stores)
          --StatusPage:Publish:Prefix=PATH/           keys under this prefix
          --StatusPage:Publish:Encoding=gzip|br|identity   a text file's stored body (default gzip)
          --StatusPage:Publish:Profile=NAME           a profile of the shared AWS credentials file
        Credentials: the standard AWS configuration (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials).
        Exit codes: 0 published, 1 the export or the upload failed, 2 usage error
        """;

    private readonly string? _directory;
    private readonly bool _existing;
    private readonly string? _usageError;
    private readonly bool _help;

    private PublishVerb(string[] args)
    {
        var (verbArgs, settings) = CommandLine.SplitSettings(args[1..]);
        // The CLI publishes once itself: no automatic publisher in the same run, nor delivery, email or provider watch (Site/HostMode).
        HostArgs = [.. settings, HostMode.SiteReaderArgument];
        for (var i = 0; i < verbArgs.Count; i++)
        {
            switch (verbArgs[i])
            {
                case "--help" or "-h" or "-?":
                    _help = true;
                    break;
                case "--from" when i + 1 < verbArgs.Count && !_existing && _directory is null:
                    _existing = true;
                    _directory = verbArgs[++i];
                    break;
                case var dir when !dir.StartsWith('-') && _directory is null:
                    _directory = dir;
                    break;
                default:
                    _usageError ??= $"StatusPage.Server publish: unexpected argument '{verbArgs[i]}'";
                    break;
            }
        }
    }

    public string[] HostArgs { get; }

    // Null unless the arguments start with the verb.
    public static PublishVerb? From(string[] args) => args.Length >= 1 && args[0] == Name ? new PublishVerb(args) : null;

    // Help, a usage error and `--from DIR` need no server: their exit code. Null: the site must be exported first (Run).
    public int? RunWithoutServer(TextWriter output, TextWriter error)
    {
        if (_help)
        {
            output.WriteLine(Usage);
            return 0;
        }
        if (_usageError is not null)
        {
            error.WriteLine(_usageError);
            error.WriteLine(Usage);
            return 2;
        }
        if (!_existing)
        {
            return null;
        }
        var configuration = Host.CreateApplicationBuilder(HostArgs).Configuration;
        var options = configuration.GetSection(PublishOptions.Section).Get<PublishOptions>() ?? new PublishOptions();
        return PublishAsync(options, _directory!, output, error, CancellationToken.None).GetAwaiter().GetResult();
    }

    public int Run(WebApplication app, TextWriter output, TextWriter error) => RunAsync(app, output, error).GetAwaiter().GetResult();

    private async Task<int> RunAsync(WebApplication app, TextWriter output, TextWriter error)
    {
        try
        {
            using var client = await LoopbackSite.StartAsync(app);
            var options = app.Services.GetRequiredService<IOptions<PublishOptions>>().Value;
            var directory = _directory ?? options.ExportPathFor(app.Services.GetRequiredService<LedgerStore>().DataPath);
            var exported = await new SiteExporter(client, directory, PageVersions.Of(app.Services)).ExportAsync();
            output.WriteLine($"exported {exported.Files} files into {directory}: {exported.Written} written, {exported.Unchanged} unchanged, {exported.Deleted} deleted");
            return await PublishAsync(options, directory, output, error, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or DataFileInUseException)
        {
            error.WriteLine($"publish: {e.Message}");
            return 1;
        }
        finally
        {
            await LoopbackSite.StopAsync(app);
        }
    }

    private static async Task<int> PublishAsync(PublishOptions options, string directory, TextWriter output, TextWriter error, CancellationToken token)
    {
        try
        {
            using var bucket = BucketClient.Open(options);
            var publisher = new SitePublisher(bucket, options);
            var result = await publisher.PublishAsync(directory, token);
            output.WriteLine($"published {result.Objects} objects to {bucket.Name}: {result.Uploaded} uploaded ({result.BytesUploaded} bytes), " +
                $"{result.Unchanged} unchanged, {result.Deleted} deleted" + (result.Head is { } head ? $"; head {head.Seq}" : ""));
            return 0;
        }
        catch (Exception e) when (e is PublishException or IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException
            or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            error.WriteLine($"publish: {e.Message}");
            return 1;
        }
    }
}
