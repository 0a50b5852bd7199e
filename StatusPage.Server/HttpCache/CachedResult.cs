namespace StatusPage.Server.HttpCache;

// An endpoint's answer from a cached representation: its ETag (usually the ledger head, strong, one per coding) and its cache class.
internal sealed class CachedResult(Representation body, string etag, TimeSpan maxAge, bool openCors = false) : IResult
{
    public Representation Body => body;

    public string ETag => etag;

    public Task ExecuteAsync(HttpContext httpContext) =>
        RepresentationWriter.WriteAsync(httpContext, body, EntityTag.Strong(etag), CacheClass.Public(maxAge), openCors: openCors);
}
