namespace StatusPage.Server.Publishing;

// Configuration section "StatusPage:Publish": where the static site goes (an S3-compatible bucket) and how. Credentials are not
// here: they come from the standard AWS configuration (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials).
internal sealed class PublishOptions
{
    public const string Section = "StatusPage:Publish";

    public string? Bucket { get; set; }

    // The S3 API's address for a compatible store (R2, B2, MinIO); empty for AWS S3 itself.
    public string? Endpoint { get; set; }

    // The AWS region, or the signing region of another store (R2: "auto"; MinIO: "us-east-1").
    public string Region { get; set; } = "us-east-1";

    // bucket in the path (http://host/bucket/key) instead of the host name: MinIO, s3rver, most self-hosted stores.
    public bool ForcePathStyle { get; set; }

    // Keys start with this (e.g. "status/"); empty: the bucket's root.
    public string Prefix { get; set; } = "";

    // A named profile of the shared AWS credentials file (default: AWS_PROFILE, then "default").
    public string? Profile { get; set; }

    // Another shared credentials file than ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE works too).
    public string? CredentialsFile { get; set; }

    // What a text file's object holds: gzip (default), br or identity. S3 cannot negotiate, so each path has one body.
    public string Encoding { get; set; } = "gzip";

    public int ParallelUploads { get; set; } = 4;

    // Publish after every append (coalesced), from the server itself.
    public bool Automatic { get; set; }

    // The export folder the automatic publish and `publish` keep (incremental); default: "site" beside the data file.
    public string? ExportPath { get; set; }

    // After an append, wait this long so a burst of appends becomes one publish.
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    // With the head unchanged, the automatic publish runs again this long after the last one: pages that move with the clock
    // (open incidents' durations, uptime, the current month, badges) are exported again and only the changed objects uploaded.
    // Zero or less: only after appends.
    public TimeSpan Refresh { get; set; } = TimeSpan.FromMinutes(5);

    // A failed automatic publish is retried after this, doubling up to 15 minutes, never given up.
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public string ExportPathFor(string dataPath) =>
        ExportPath is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataPath))!, "site");
}
