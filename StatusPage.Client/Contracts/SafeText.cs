using System.Text;

namespace StatusPage.Client.Contracts;

// Text a field may hold: no control characters but tab and line breaks, no lone surrogates, no Unicode noncharacters.
// The edge refuses the rest (rule no_control_characters); outputs replace it with U+FFFD, since a ledger may already hold it.
public static class SafeText
{
    public const string Rule = "no_control_characters";

    public const char Replacement = '\uFFFD';

    public static bool IsClean(string? text) => text is null || IndexOfForbidden(text) < 0;

    public static string Message(string field) =>
        $"The {field} must not contain control characters (other than tab and line breaks), lone surrogates or Unicode noncharacters.";

    // The index of the first forbidden UTF-16 unit, or -1.
    public static int IndexOfForbidden(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var width = ForbiddenWidth(text, i);
            if (width < 0)
            {
                return i;
            }
            i += width - 1;
        }
        return -1;
    }

    // The text with each forbidden character (or surrogate pair) replaced by U+FFFD; the same instance when it is clean.
    public static string Clean(string? text)
    {
        if (text is null)
        {
            return "";
        }
        var first = IndexOfForbidden(text);
        if (first < 0)
        {
            return text;
        }
        var clean = new StringBuilder(text.Length).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var width = ForbiddenWidth(text, i);
            if (width < 0)
            {
                clean.Append(Replacement);
                i += -width - 1;
            }
            else
            {
                clean.Append(text, i, width);
                i += width - 1;
            }
        }
        return clean.ToString();
    }

    // The width in UTF-16 units of the character at i: positive when allowed, negative when forbidden.
    private static int ForbiddenWidth(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return -1;
            }
            // U+1FFFE, U+1FFFF, ... U+10FFFF: the last two code points of every plane are noncharacters.
            return (char.ConvertToUtf32(c, text[i + 1]) & 0xFFFE) == 0xFFFE ? -2 : 2;
        }
        var forbidden = char.IsLowSurrogate(c)
            || (c < ' ' && c is not ('\t' or '\n' or '\r'))
            || c is >= '\u007F' and <= '\u009F'
            || c is >= '\uFDD0' and <= '\uFDEF'
            || c is '\uFFFE' or '\uFFFF';
        return forbidden ? -1 : 1;
    }
}
