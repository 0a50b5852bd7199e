using Microsoft.Net.Http.Headers;

namespace StatusPage.Server.HttpCache;

// Whether a GET or HEAD can be answered 304 (RFC 9110 13.1.2, 13.1.3, 13.2.2): If-None-Match decides when present, compared
// weakly, "*" matching any current representation; If-Modified-Since is consulted only without it.
internal static class ConditionalRequest
{
    public static bool IsNotModified(HttpRequest request, EntityTag tag, DateTimeOffset? lastModified)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tag);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            // An unreadable list matches nothing: the client gets the full answer.
            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
            {
                return false;
            }
            foreach (var candidate in tags)
            {
                if (candidate.Equals(EntityTagHeaderValue.Any) || tag.MatchesWeakly(candidate))
                {
                    return true;
                }
            }
            return false;
        }
        if (lastModified is not { } modified || request.Headers.IfModifiedSince.Count == 0
            || !HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since))
        {
            return false;
        }
        // HTTP dates have whole seconds: a change within the second the client saw is not newer than its copy.
        return modified.UtcTicks - modified.UtcTicks % TimeSpan.TicksPerSecond <= since.UtcTicks;
    }
}
