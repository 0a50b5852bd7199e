using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StatusPage.Server.HttpCache;

namespace StatusPage.Server.StaticExport;

// The language by address, which a static host can serve: English at /, French at /fr/... (the prefix is stripped before
// routing and fixes the language); `?lang=en` on an unprefixed page remembers English in the cookie and drops the parameter.
// Unprefixed pages still follow the cookie, then Accept-Language. A French page's links to pages point under /fr/.
internal static partial class LanguagePaths
{
    public const string SwitchParameter = "lang";

    public static CultureInfo Default => ReaderLanguage.Cultures[0];

    public static IEnumerable<CultureInfo> Prefixed => ReaderLanguage.Cultures.Skip(1);

    // The prefixed languages' prefixes ("/fr"), for code that looks at every exported address.
    public static readonly string[] Prefixes = [.. Prefixed.Select(Prefix)];

    public static string Prefix(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == Default.TwoLetterISOLanguageName ? "" : "/" + culture.TwoLetterISOLanguageName;

    // The header's switch: the same page in the other language (a path, so it works on a static host too).
    public static string SwitchTo(CultureInfo culture, string path)
    {
        var bare = path.Split('?', '#')[0];
        bare = bare.StartsWith('/') ? bare : "/" + bare;
        return culture.TwoLetterISOLanguageName == Default.TwoLetterISOLanguageName
            ? bare + "?" + SwitchParameter + "=" + culture.TwoLetterISOLanguageName
            : Prefix(culture) + bare;
    }

    // Before routing (Program.cs).
    public static IApplicationBuilder UseLanguagePaths(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var path = context.Request.Path.Value ?? "/";
        foreach (var culture in Prefixed)
        {
            var prefix = Prefix(culture);
            if (path.Equals(prefix, StringComparison.Ordinal) || path.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                context.Request.Path = path.Length == prefix.Length ? "/" : path[prefix.Length..];
                ReaderLanguage.Fix(context, culture);
                return next(context);
            }
        }
        if (context.Request.QueryString.HasValue && HttpMethods.IsGet(context.Request.Method)
            && context.Request.Query.TryGetValue(SwitchParameter, out var code)
            && ReaderLanguage.Cultures.FirstOrDefault(c => c.TwoLetterISOLanguageName == code) is { } chosen)
        {
            ReaderLanguage.Remember(context.Response, chosen);
            var rest = context.Request.Query.Where(q => q.Key != SwitchParameter)
                .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString()));
            var query = string.Join("&", rest);
            // Only this site's own path: "//host" would leave it.
            path = path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal) ? "/" : path;
            // Encoded again: the decoded path may hold characters a Location header cannot carry.
            context.Response.Redirect(new PathString(Prefix(chosen) + path).ToUriComponent() + (query.Length > 0 ? "?" + query : ""));
            return Task.CompletedTask;
        }
        return next(context);
    });

    // After the page cache (PublicSite): a page rendered in a prefixed language gets its page links under that prefix, so the
    // cached bytes are the same whichever way the language was chosen, and the same as the static twin's.
    public static IApplicationBuilder UseLanguageLinks(this IApplicationBuilder app) => app.Use(static async (context, next) =>
    {
        var prefix = Prefix(CultureInfo.CurrentUICulture);
        var endpoint = context.GetEndpoint();
        if (prefix.Length == 0 || (endpoint is not null && endpoint.Metadata.GetMetadata<CachedPageAttribute>() is null))
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var bytes = buffer.ToArray();
        if ((context.Response.ContentType ?? "").StartsWith("text/html", StringComparison.Ordinal))
        {
            bytes = Encoding.UTF8.GetBytes(PrefixLinks(Encoding.UTF8.GetString(bytes), prefix));
            if (context.Response.ContentLength is not null)
            {
                context.Response.ContentLength = bytes.Length;
            }
        }
        await original.WriteAsync(bytes);
    });

    public static string PrefixLinks(string html, string prefix) =>
        SiteLink().Replace(html, m => IsPageLink(m.Groups[1].Value) ? $"href=\"{prefix}/{m.Groups[1].Value}\"" : m.Value);

    // Pages have no extension; files (feeds, JSON, CSS, proofs) are the same in every language and the switch says its own.
    private static bool IsPageLink(string link)
    {
        var path = link.Split('?', '#')[0];
        if (link.Contains(SwitchParameter + "=", StringComparison.Ordinal) || path.StartsWith('_') || path.StartsWith("api/", StringComparison.Ordinal)
            || path.StartsWith("admin", StringComparison.Ordinal) || path.StartsWith("lang/", StringComparison.Ordinal))
        {
            return false;
        }
        return !path[(path.LastIndexOf('/') + 1)..].Contains('.', StringComparison.Ordinal);
    }

    [GeneratedRegex("href=\"/(?!/)([^\"]*)\"")]
    private static partial Regex SiteLink();
}
