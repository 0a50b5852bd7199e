using System.Globalization;
using StatusPage.Server.History;

namespace StatusPage.Server.Site;

// What an update says in plain text, the same in the v2 API and the feeds (which both read it from here, not from each other).
internal static class PostText
{
    public static string BodyOf(Post post, IReadOnlyList<Post> timeline)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(timeline);
        if (post.Redaction is { } redaction)
        {
            return $"Redacted: {redaction.Reason}";
        }
        var body = post.Body ?? "";
        if (post.Kind == PostKind.Correction && post.Corrects is { } correctedId)
        {
            var corrected = timeline.FirstOrDefault(p => p.Id == correctedId);
            var what = corrected is null
                ? "an earlier update"
                : $"the {corrected.Status?.Word ?? corrected.Kind.ToString().ToLowerInvariant()} update of "
                  + corrected.StatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            return $"Correction to {what}. Reason: {post.Reason}\n\n{body}";
        }
        return body;
    }
}
