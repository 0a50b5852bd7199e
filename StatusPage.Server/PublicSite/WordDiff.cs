using DiffPlex;
using DiffPlex.Chunkers;

namespace StatusPage.Server.PublicSite;

// What a correction changed in the update it corrects, word by word; unchanged runs longer than the context are shortened
// to their ends around an ellipsis, so the change is seen without reading both texts in full.
internal static class WordDiff
{
    public enum Change { Same, Deleted, Inserted, Elided }

    public sealed record Part(Change Change, string Text);

    // Spaces, line breaks and punctuation are pieces of their own, so the pieces joined give back each text exactly.
    private static readonly DelimiterChunker Words = new([' ', '\t', '\r', '\n', '.', ',', ';', ':', '!', '?', '(', ')']);

    public static IReadOnlyList<Part> Between(string original, string corrected, int context = 12)
    {
        var result = Differ.Instance.CreateDiffs(original, corrected, ignoreWhiteSpace: false, ignoreCase: false, Words);
        var parts = new List<Part>();
        var next = 0;
        foreach (var (deleteStart, deleteEnd, insertStart, insertEnd) in Merged(result.DiffBlocks))
        {
            AddSame(parts, result.PiecesOld, next, deleteStart, context, first: next == 0, last: false);
            Add(parts, Change.Deleted, Join(result.PiecesOld, deleteStart, deleteEnd - deleteStart));
            Add(parts, Change.Inserted, Join(result.PiecesNew, insertStart, insertEnd - insertStart));
            next = deleteEnd;
        }
        AddSame(parts, result.PiecesOld, next, result.PiecesOld.Count, context, first: next == 0, last: true);
        return parts;
    }

    // Changes a word or two apart read as one rewrite, not as alternating fragments: the words between join both sides.
    private static List<(int DeleteStart, int DeleteEnd, int InsertStart, int InsertEnd)> Merged(IEnumerable<DiffPlex.Model.DiffBlock> blocks)
    {
        var merged = new List<(int DeleteStart, int DeleteEnd, int InsertStart, int InsertEnd)>();
        foreach (var b in blocks)
        {
            var block = (b.DeleteStartA, b.DeleteStartA + b.DeleteCountA, b.InsertStartB, b.InsertStartB + b.InsertCountB);
            if (merged.Count > 0 && block.Item1 - merged[^1].DeleteEnd <= SmallGap)
            {
                merged[^1] = (merged[^1].DeleteStart, block.Item2, merged[^1].InsertStart, block.Item4);
            }
            else
            {
                merged.Add(block);
            }
        }
        return merged;
    }

    // Pieces, counting spaces: " to the " is four.
    private const int SmallGap = 4;

    // An unchanged run keeps `context` pieces next to each change it touches; what lies between (if at least `context` more)
    // becomes one ellipsis.
    private static void AddSame(List<Part> parts, IReadOnlyList<string> pieces, int from, int to, int context, bool first, bool last)
    {
        var keepStart = first ? 0 : context;
        var keepEnd = last ? 0 : context;
        if (to - from <= keepStart + keepEnd + context)
        {
            Add(parts, Change.Same, Join(pieces, from, to - from));
            return;
        }
        Add(parts, Change.Same, Join(pieces, from, keepStart));
        Add(parts, Change.Elided, "…");
        Add(parts, Change.Same, Join(pieces, to - keepEnd, keepEnd));
    }

    private static void Add(List<Part> parts, Change change, string text)
    {
        if (text.Length > 0)
        {
            parts.Add(new Part(change, text));
        }
    }

    private static string Join(IReadOnlyList<string> pieces, int start, int count) =>
        string.Concat(Enumerable.Range(start, count).Select(i => pieces[i]));
}
