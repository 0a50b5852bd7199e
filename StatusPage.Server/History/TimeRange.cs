namespace StatusPage.Server.History;

// The items of a list sorted by a time whose time is in [from, to), found by binary search: a period's incidents of a
// provider, a month's maintenance windows. Read in place, not copied.
internal static class TimeRange
{
    public static IEnumerable<T> Within<T>(IReadOnlyList<T> sorted, Func<T, DateTimeOffset> timeOf, DateTimeOffset from, DateTimeOffset to)
    {
        var (first, end) = (FirstAtOrAfter(sorted, timeOf, from), FirstAtOrAfter(sorted, timeOf, to));
        for (var i = first; i < end; i++)
        {
            yield return sorted[i];
        }
    }

    private static int FirstAtOrAfter<T>(IReadOnlyList<T> sorted, Func<T, DateTimeOffset> timeOf, DateTimeOffset time)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = timeOf(sorted[middle]) < time ? (middle + 1, high) : (low, middle);
        }
        return low;
    }
}
