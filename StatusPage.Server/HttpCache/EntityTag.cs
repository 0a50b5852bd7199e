using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace StatusPage.Server.HttpCache;

// A representation's validator (RFC 9110 8.8.3). A strong tag names exact bytes, so each content coding gets its own
// ("…-br", "…-gzip"); a weak tag names the content and is the same for every coding.
internal sealed class EntityTag
{
    private readonly StringValues _identity;
    private readonly StringValues _brotli;
    private readonly StringValues _gzip;

    private EntityTag(string quoted, bool weak)
    {
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"')
        {
            throw new ArgumentException($"An entity tag is a quoted string, not {quoted}.", nameof(quoted));
        }
        IsWeak = weak;
        Opaque = quoted;
        _identity = weak ? "W/" + quoted : quoted;
        _brotli = weak ? _identity : quoted.Insert(quoted.Length - 1, "-br");
        _gzip = weak ? _identity : quoted.Insert(quoted.Length - 1, "-gzip");
    }

    public bool IsWeak { get; }

    // The quoted opaque tag of the identity coding, without W/.
    public string Opaque { get; }

    public static EntityTag Strong(string quoted) => new(quoted, weak: false);

    public static EntityTag Weak(string quoted) => new(quoted, weak: true);

    public StringValues For(ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => _brotli,
        ContentCoding.Gzip => _gzip,
        _ => _identity,
    };

    // Weak comparison (RFC 9110 8.8.3.2), as If-None-Match uses: a client holding any coding of this content holds current content.
    public bool MatchesWeakly(EntityTagHeaderValue tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var opaque = tag.Tag;
        return opaque.Equals(Opaque, StringComparison.Ordinal)
            || (!IsWeak && (opaque.Equals(_brotli.ToString(), StringComparison.Ordinal) || opaque.Equals(_gzip.ToString(), StringComparison.Ordinal)));
    }

    public override string ToString() => _identity.ToString();
}
