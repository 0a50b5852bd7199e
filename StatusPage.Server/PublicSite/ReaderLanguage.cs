using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace StatusPage.Server.PublicSite;

// Picks the reader's language (the switch's cookie, then Accept-Language, then English) cheaply, on every request.
public static class ReaderLanguage
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("fr")];

    public static CultureInfo Choose(HttpRequest request) =>
        FromCookie(request) ?? FromAcceptLanguage(request.Headers.AcceptLanguage.ToString()) ?? Cultures[0];

    // Only for requests that render something: setting the culture copies the execution context, which a cache hit skips.
    public static void Apply(CultureInfo culture)
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    public static string CookieValue(CultureInfo culture) => CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));

    private static CultureInfo? FromCookie(HttpRequest request) =>
        request.Headers.Cookie.Count > 0
        && request.Cookies.TryGetValue(CookieRequestCultureProvider.DefaultCookieName, out var value)
        && CookieRequestCultureProvider.ParseCookieValue(value) is { } parsed
            ? Find(parsed.UICultures.FirstOrDefault().Value)
            : null;

    // The highest-weighted supported language; ties keep the header's order.
    private static CultureInfo? FromAcceptLanguage(string header)
    {
        if (header.Length == 0)
        {
            return null;
        }
        CultureInfo? best = null;
        var bestWeight = 0.0;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            var weight = 1.0;
            foreach (var parameter in pieces.Skip(1))
            {
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var q))
                {
                    weight = q;
                }
            }
            if (weight > bestWeight && Find(pieces[0]) is { } culture)
            {
                best = culture;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static CultureInfo? Find(string? tag)
    {
        if (string.IsNullOrEmpty(tag))
        {
            return null;
        }
        var primary = tag.Split('-')[0];
        return Cultures.FirstOrDefault(c => string.Equals(c.TwoLetterISOLanguageName, primary, StringComparison.OrdinalIgnoreCase));
    }
}
