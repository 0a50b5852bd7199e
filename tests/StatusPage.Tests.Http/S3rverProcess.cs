using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;

namespace StatusPage.Tests.Http;

// npm's s3rver (tests/StatusPage.Tests.Http/S3rver, installed by ./test.sh): a real S3-protocol server on a free loopback port,
// storing objects on disk in a temp folder, with one bucket; its log ("Stored object KEY") counts the objects a publish stored.
public sealed partial class S3rverProcess : IDisposable
{
    public const string Bucket = "site";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<string> _puts = [];
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public S3rverProcess()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("statuspage-s3rver-").FullName;
        var script = Path.Combine(TestPaths.RepositoryRoot, "tests", "StatusPage.Tests.Http", "S3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        Assert.True(File.Exists(script), $"s3rver is not installed ({script}): run ./test.sh, or npm ci in tests/StatusPage.Tests.Http/S3rver");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "-d", Directory, "-a", "127.0.0.1", "-p", "0", "--no-vhost-buckets", "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("s3rver exited:\n" + Output));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Directory { get; }

    public Uri Endpoint { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    // Keys of the objects stored by successful PUTs so far, in the order s3rver answered them.
    public IReadOnlyList<string> Puts
    {
        get
        {
            lock (_output)
            {
                return [.. _puts];
            }
        }
    }

    public async Task<S3rverProcess> Started()
    {
        var port = await _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        return this;
    }

    // The settings that point a publish at this bucket (credentials are given apart: environment or a profile).
    public Dictionary<string, string> Settings() => new()
    {
        ["StatusPage:Publish:Bucket"] = Bucket,
        ["StatusPage:Publish:Endpoint"] = Endpoint.ToString(),
        ["StatusPage:Publish:ForcePathStyle"] = "true",
    };

    // A reader of the bucket that is not the code under test's own client.
    public AmazonS3Client Reader() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    // A shared AWS credentials file with a profile for this server (the publish's profile path).
    public string CredentialsFile()
    {
        var path = Path.Combine(Directory, "..", Path.GetFileName(Directory) + ".credentials");
        File.WriteAllText(path, $"[s3rver]\naws_access_key_id = {AccessKey}\naws_secret_access_key = {SecretKey}\n");
        return Path.GetFullPath(path);
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        var plain = Ansi().Replace(line, "");
        lock (_output)
        {
            _output.AppendLine(plain);
            if (Put().Match(plain) is { Success: true } put)
            {
                _puts.Add(put.Groups[1].Value);
            }
        }
        if (Listening().Match(plain) is { Success: true } listening)
        {
            _listening.TrySetResult(int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        File.Delete(Path.GetFullPath(Path.Combine(Directory, "..", Path.GetFileName(Directory) + ".credentials")));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    [GeneratedRegex("Stored object \"(.+)\" in bucket \"" + Bucket + "\" successfully")]
    private static partial Regex Put();

    [GeneratedRegex(@"S3rver listening on [^:]+:(\d+)")]
    private static partial Regex Listening();
}
