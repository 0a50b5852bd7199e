using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Amazon.S3.Model;

namespace StatusPage.Server.Publishing;

// The few S3 calls publishing needs (list, get, put, delete many), through AWSSDK.S3, configured for any S3-compatible store.
internal sealed class BucketClient(IAmazonS3 client, string bucket) : IDisposable
{
    public string Name => bucket;

    public static BucketClient Open(PublishOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new PublishException($"{PublishOptions.Section}:Bucket is not set: name the bucket to publish to");
        }
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Only the checksums a request requires: R2, B2, MinIO and s3rver do not all take the SDK's streamed trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        var credentials = ProfileCredentials(options);
        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        return new BucketClient(client, options.Bucket);
    }

    // A named profile or another credentials file; otherwise null, and the SDK's default chain (environment, AWS_PROFILE, default profile, roles).
    private static AWSCredentials? ProfileCredentials(PublishOptions options)
    {
        if (options.Profile is null && options.CredentialsFile is null)
        {
            return null;
        }
        var profile = options.Profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        var chain = new CredentialProfileStoreChain(options.CredentialsFile);
        return chain.TryGetAWSCredentials(profile, out var credentials)
            ? credentials
            : throw new PublishException($"no AWS credentials profile '{profile}'" + (options.CredentialsFile is null ? "" : $" in {options.CredentialsFile}"));
    }

    // Every key under the prefix with its ETag (as the store reports it: compared for equality only).
    public async Task<Dictionary<string, string>> ListAsync(string prefix, CancellationToken token)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix.Length == 0 ? null : prefix };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, token);
            foreach (var item in response.S3Objects ?? [])
            {
                keys[item.Key] = item.ETag;
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return keys;
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token)
    {
        try
        {
            using var response = await client.GetObjectAsync(bucket, key, token);
            using var body = new MemoryStream();
            await response.ResponseStream.CopyToAsync(body, token);
            return body.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // Returns the stored object's ETag.
    public async Task<string> PutAsync(string key, byte[] body, string contentType, string? contentEncoding, string cacheControl, string sha256,
        CancellationToken token)
    {
        using var stream = new MemoryStream(body, writable: false);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = stream,
            ContentType = contentType,
            // One signed body instead of aws-chunked framing, which some compatible stores store verbatim.
            UseChunkEncoding = false,
            AutoCloseStream = false,
        };
        request.Headers.CacheControl = cacheControl;
        if (contentEncoding is not null)
        {
            request.Headers.ContentEncoding = contentEncoding;
        }
        request.Metadata["sha256"] = sha256;
        var response = await client.PutObjectAsync(request, token);
        return response.ETag;
    }

    public async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken token)
    {
        foreach (var batch in keys.Chunk(1000))
        {
            var response = await client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = bucket,
                Objects = [.. batch.Select(k => new KeyVersion { Key = k })],
                Quiet = true,
            }, token);
            if (response.DeleteErrors is { Count: > 0 } errors)
            {
                throw new PublishException($"could not delete {errors.Count} objects, e.g. {errors[0].Key}: {errors[0].Code} {errors[0].Message}");
            }
        }
    }

    public void Dispose() => client.Dispose();
}

// An expected failure of a publish (configuration, the export, the store's answer), reported without a stack trace.
internal sealed class PublishException(string message, Exception? inner = null) : Exception(message, inner);
