using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace StatusPage.Server.HttpCache;

// Accept-Encoding and Accept-Language read with the framework's q-value parser (RFC 9110 12.4.2, 12.5.3, 12.5.4). A decision is
// remembered per header value, so the few headers real clients send cost a dictionary lookup and no parsing on the hot path.
internal static class ContentNegotiation
{
    private const int MaxRemembered = 256;

    // q=0.001 is the lowest weight a client can give: an unlisted identity loses to any coding the client lists.
    private const double UnlistedIdentity = 0.001;

    private static readonly ConcurrentDictionary<string, Weights> Remembered = new(StringComparer.Ordinal);

    private readonly record struct Weights(double Brotli, double Gzip, double Identity);

    // The coding to send, or null when the client accepts none of those we have (the caller answers 406).
    public static ContentCoding? ChooseCoding(StringValues acceptEncoding, bool compressedAvailable)
    {
        var weights = WeightsOf(acceptEncoding);
        if (!compressedAvailable)
        {
            return weights.Identity > 0 ? ContentCoding.Identity : null;
        }
        // Highest weight wins; a tie prefers the smaller bytes (br, then gzip, then identity).
        var best = ContentCoding.Brotli;
        var bestWeight = weights.Brotli;
        if (weights.Gzip > bestWeight)
        {
            (best, bestWeight) = (ContentCoding.Gzip, weights.Gzip);
        }
        if (weights.Identity > bestWeight)
        {
            (best, bestWeight) = (ContentCoding.Identity, weights.Identity);
        }
        return bestWeight > 0 ? best : null;
    }

    // The supported value with the highest non-zero weight; ties keep the header's order. Null when none is acceptable.
    public static T? Preferred<T>(StringValues header, Func<string, T?> find) where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        if (StringValues.IsNullOrEmpty(header) || !StringWithQualityHeaderValue.TryParseList(header, out var values))
        {
            return null;
        }
        T? best = null;
        var bestWeight = 0.0;
        foreach (var value in values)
        {
            var weight = value.Quality ?? 1;
            if (weight > bestWeight && find(value.Value.ToString()) is { } found)
            {
                best = found;
                bestWeight = weight;
            }
        }
        return best;
    }

    private static Weights WeightsOf(StringValues acceptEncoding)
    {
        // No header: the client did not ask for a coding; identity, as every client understands it.
        if (acceptEncoding.Count == 0)
        {
            return new Weights(0, 0, 1);
        }
        var key = acceptEncoding.Count == 1 ? acceptEncoding[0] ?? "" : acceptEncoding.ToString();
        if (Remembered.TryGetValue(key, out var weights))
        {
            return weights;
        }
        weights = Parse(acceptEncoding);
        if (Remembered.Count < MaxRemembered)
        {
            Remembered.TryAdd(key, weights);
        }
        return weights;
    }

    private static Weights Parse(StringValues acceptEncoding)
    {
        // An empty value asks for no coding (identity only); an unreadable one is treated as absent.
        if (!StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var accepted) || accepted.Count == 0)
        {
            return new Weights(0, 0, 1);
        }
        // "*" stands for every coding not listed, identity included; identity is acceptable unless refused (RFC 9110 12.5.3).
        var any = Quality(accepted, "*");
        return new Weights(
            Quality(accepted, "br") ?? any ?? 0,
            Quality(accepted, "gzip") ?? Quality(accepted, "x-gzip") ?? any ?? 0,
            Quality(accepted, "identity") ?? any ?? UnlistedIdentity);
    }

    private static double? Quality(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        foreach (var item in accepted)
        {
            if (item.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                return item.Quality ?? 1;
            }
        }
        return null;
    }
}
