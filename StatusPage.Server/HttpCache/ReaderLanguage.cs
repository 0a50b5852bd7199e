using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.HttpCache;

// Picks the reader's language (the switch's cookie, then Accept-Language, then English) cheaply, on every request.
internal static class ReaderLanguage
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("fr")];
    private const int MaxRemembered = 256;
    private static readonly ConcurrentDictionary<string, CultureInfo?> Remembered = new(StringComparer.Ordinal);

    private static readonly object FixedKey = new();

    public static CultureInfo Choose(HttpRequest request) =>
        Fixed(request) ?? FromCookie(request) ?? FromAcceptLanguage(request.Headers.AcceptLanguage) ?? Cultures[0];

    // The address chose the language (/fr/..., StaticExport/LanguagePaths): it wins over the cookie and the header.
    public static void Fix(HttpContext context, CultureInfo culture) => context.Items[FixedKey] = culture;

    private static CultureInfo? Fixed(HttpRequest request) =>
        request.HttpContext.Items.TryGetValue(FixedKey, out var culture) ? culture as CultureInfo : null;

    // Only for requests that render something: setting the culture copies the execution context, which a cache hit skips.
    public static void Apply(CultureInfo culture)
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    private static string CookieValue(CultureInfo culture) => CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));

    // The reader's choice, kept for a year (the header's switch and the `?lang=` switch both remember it here).
    public static void Remember(HttpResponse response, CultureInfo culture) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieValue(culture),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });

    private static CultureInfo? FromCookie(HttpRequest request) =>
        request.Headers.Cookie.Count > 0
        && request.Cookies.TryGetValue(CookieRequestCultureProvider.DefaultCookieName, out var value)
        && CookieRequestCultureProvider.ParseCookieValue(value) is { } parsed
            ? Find(parsed.UICultures.FirstOrDefault().Value)
            : null;

    // The highest-weighted supported language (q-values read like Accept-Encoding's); ties keep the header's order. Remembered per
    // header value: browsers send a handful of distinct values, and a hit should not parse.
    private static CultureInfo? FromAcceptLanguage(StringValues header)
    {
        if (header.Count != 1 || string.IsNullOrEmpty(header[0]))
        {
            return ContentNegotiation.Preferred(header, Find);
        }
        var key = header[0]!;
        if (Remembered.TryGetValue(key, out var culture))
        {
            return culture;
        }
        culture = ContentNegotiation.Preferred(header, Find);
        if (Remembered.Count < MaxRemembered)
        {
            Remembered.TryAdd(key, culture);
        }
        return culture;
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
