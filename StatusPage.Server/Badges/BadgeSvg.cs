using System.Globalization;
using System.Net;
using StatusPage.Client.Contracts;

namespace StatusPage.Server.Badges;

internal enum BadgeTone { Good, Minor, Major, Critical, Maintenance, Unknown }

// A flat two-part badge ("label | message"), readable without styles: white text on colours with at least 4.5:1 contrast.
internal static class BadgeSvg
{
    private const int Padding = 6;
    private const int Height = 20;

    public static string Render(string label, string message, BadgeTone tone)
    {
        // A component name already in the ledger may hold characters XML cannot carry, even escaped.
        label = SafeText.Clean(label);
        message = SafeText.Clean(message);
        var labelWidth = TextWidth(label) + 2 * Padding;
        var messageWidth = TextWidth(message) + 2 * Padding;
        var width = labelWidth + messageWidth;
        var text = Escape($"{label}: {message}");
        var l = Escape(label);
        var m = Escape(message);
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{Height}" role="img" aria-label="{text}"><title>{text}</title><rect width="{labelWidth}" height="{Height}" fill="#555"/><rect x="{labelWidth}" width="{messageWidth}" height="{Height}" fill="{Colour(tone)}"/><g fill="#fff" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11" text-anchor="middle"><text x="{labelWidth / 2.0}" y="14">{l}</text><text x="{labelWidth + messageWidth / 2.0}" y="14">{m}</text></g></svg>""");
    }

    public static string Colour(BadgeTone tone) => tone switch
    {
        BadgeTone.Good => "#1a7f37",
        BadgeTone.Minor => "#9a6700",
        BadgeTone.Major => "#bc4c00",
        BadgeTone.Critical => "#cf222e",
        BadgeTone.Maintenance => "#0969da",
        _ => "#57606a",
    };

    // Verdana 11px advance widths, roughly: enough to keep text inside its box without measuring fonts on the server.
    public static int TextWidth(string text)
    {
        double width = 0;
        foreach (var c in text)
        {
            width += c switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' => 3.5,
                'f' or 't' or 'r' or 'I' or ' ' or '(' or ')' or '-' => 4.5,
                'm' or 'w' or 'M' or 'W' or '%' => 10.5,
                _ when char.IsUpper(c) || char.IsDigit(c) => 7.5,
                _ => 6.8,
            };
        }
        return (int)Math.Ceiling(width);
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
