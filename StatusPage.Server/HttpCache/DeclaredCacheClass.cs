namespace StatusPage.Server.HttpCache;

// Applies the cache class an endpoint declares in its metadata when it does not write a cached representation itself
// (operator pages: no-store; fingerprinted files: immutable). After routing.
internal sealed class DeclaredCacheClassMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var declared = context.GetEndpoint()?.Metadata.GetMetadata<CacheClass>();
        if (declared == CacheClass.NoStore)
        {
            context.Response.Headers.CacheControl = declared.CacheControl;
        }
        else if (declared is not null)
        {
            // Only a successful answer may be kept; the static file handler sets its own Cache-Control first.
            context.Response.OnStarting(static state =>
            {
                var (response, cacheClass) = ((HttpResponse, CacheClass))state;
                if (response.StatusCode == StatusCodes.Status200OK)
                {
                    response.Headers.CacheControl = cacheClass.CacheControl;
                }
                return Task.CompletedTask;
            }, (context.Response, declared));
        }
        return next(context);
    }
}

internal static class DeclaredCacheClasses
{
    public static WebApplication UseDeclaredCacheClasses(this WebApplication app)
    {
        app.UseMiddleware<DeclaredCacheClassMiddleware>();
        return app;
    }

    // "/app.vussbbv2yr.css": a name, a 10-character content hash, an extension.
    public static bool IsFingerprinted(string? path)
    {
        if (path is null || !(path.EndsWith(".css", StringComparison.Ordinal) || path.EndsWith(".js", StringComparison.Ordinal)))
        {
            return false;
        }
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.LastIndexOf('.');
        return dot > 0 && name.Length - dot - 1 == 10 && name[(dot + 1)..].All(char.IsAsciiLetterOrDigit);
    }
}
