using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.HttpCache;

// The one place a cached representation becomes an answer: content coding chosen from Accept-Encoding, validators, cache class,
// then 304, 406 or the precomputed bytes. Pages, feeds, the v2 API, badges, the calendar and the transparency files all use it.
internal static class RepresentationWriter
{
    private static readonly StringValues AcceptEncoding = "Accept-Encoding";
    private static readonly StringValues Brotli = "br";
    private static readonly StringValues Gzip = "gzip";
    private static readonly StringValues AnyOrigin = "*";

    // vary: what else than Accept-Encoding selects the representation (pages: language); empty for none.
    public static Task WriteAsync(HttpContext context, Representation representation, EntityTag tag, CacheClass cacheClass,
        StringValues vary = default, bool openCors = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(representation);
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(cacheClass);
        var request = context.Request;
        var response = context.Response;
        var headers = response.Headers;
        if (!StringValues.IsNullOrEmpty(vary))
        {
            headers.Vary = vary;
        }
        else if (representation.IsCompressed)
        {
            headers.Vary = AcceptEncoding;
        }
        headers.CacheControl = cacheClass.CacheControl;
        if (openCors)
        {
            headers.AccessControlAllowOrigin = AnyOrigin;
        }
        if (ContentNegotiation.ChooseCoding(request.Headers.AcceptEncoding, representation.IsCompressed) is not { } coding)
        {
            // The client refused identity and every coding we have (RFC 9110 12.5.3, 15.5.7).
            response.StatusCode = StatusCodes.Status406NotAcceptable;
            response.ContentLength = 0;
            return Task.CompletedTask;
        }
        headers.ETag = tag.For(coding);
        if (representation.LastModified is not null)
        {
            headers.LastModified = representation.LastModifiedHeader;
        }
        if (ConditionalRequest.IsNotModified(request, tag, representation.LastModified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = representation.StatusCode;
        headers.ContentType = representation.ContentType;
        if (coding != ContentCoding.Identity)
        {
            headers.ContentEncoding = coding == ContentCoding.Brotli ? Brotli : Gzip;
        }
        var bytes = representation.BytesFor(coding);
        response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(bytes).AsTask();
    }

    public static string HttpDate(DateTimeOffset time) => time.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
}
