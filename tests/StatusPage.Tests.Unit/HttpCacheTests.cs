using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StatusPage.Server.HttpCache;

namespace StatusPage.Tests.Unit;

// Content negotiation and conditional requests as RFC 9110 reads them, on the one writer every cached representation goes through.
public sealed class HttpCacheTests
{
    private static readonly DateTimeOffset Modified = new(2026, 6, 14, 9, 30, 15, 400, TimeSpan.Zero);

    [Theory]
    [InlineData(null, ContentCoding.Identity)]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("gzip, deflate, br", ContentCoding.Brotli)]
    [InlineData("gzip;q=1, br;q=0", ContentCoding.Gzip)]
    [InlineData("br;q=0.5, gzip;q=0.8", ContentCoding.Gzip)]
    [InlineData("GZIP", ContentCoding.Gzip)]
    [InlineData("x-gzip", ContentCoding.Gzip)]
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("gzip;q=0.5, *;q=0.1", ContentCoding.Gzip)]
    [InlineData("br;q=0, gzip;q=0", ContentCoding.Identity)]
    [InlineData("deflate", ContentCoding.Identity)]
    [InlineData("identity;q=1, gzip;q=0.5", ContentCoding.Identity)]
    [InlineData("*;q=0, identity", ContentCoding.Identity)]
    [InlineData("gzip, identity;q=0", ContentCoding.Gzip)]
    public void The_coding_sent_is_the_acceptable_one_with_the_highest_weight(string? acceptEncoding, ContentCoding expected)
    {
        var header = acceptEncoding is null ? StringValues.Empty : new StringValues(acceptEncoding);

        Assert.Equal(expected, ContentNegotiation.ChooseCoding(header, compressedAvailable: true));
    }

    [Theory]
    [InlineData("*;q=0")]
    [InlineData("identity;q=0")]
    [InlineData("deflate, identity;q=0")]
    [InlineData("br;q=0, gzip;q=0, identity;q=0")]
    public void A_client_refusing_identity_and_every_coding_we_have_gets_nothing_to_send(string acceptEncoding)
    {
        Assert.Null(ContentNegotiation.ChooseCoding(acceptEncoding, compressedAvailable: true));
        Assert.Null(ContentNegotiation.ChooseCoding(acceptEncoding, compressedAvailable: false));
    }

    [Theory]
    [InlineData("br, gzip")]
    [InlineData("*")]
    public void A_representation_kept_only_as_identity_is_sent_as_identity_unless_identity_is_refused(string acceptEncoding)
    {
        Assert.Equal(ContentCoding.Identity, ContentNegotiation.ChooseCoding(acceptEncoding, compressedAvailable: false));
        Assert.Null(ContentNegotiation.ChooseCoding(acceptEncoding + ", identity;q=0", compressedAvailable: false));
    }

    [Theory]
    [InlineData("fr-CH, fr;q=0.9, en;q=0.8", "fr")]
    [InlineData("en;q=0.5, fr", "fr")]
    [InlineData("fr;q=0, en", "en")]
    [InlineData("de, en-GB;q=0.7, fr;q=0.7", "en")]
    [InlineData("de, *;q=0.5", null)]
    [InlineData("", null)]
    public void Accept_Language_picks_the_supported_language_with_the_highest_weight_ties_in_header_order(string header, string? expected)
    {
        string[] supported = ["en", "fr"];

        var chosen = ContentNegotiation.Preferred(header, tag => supported.FirstOrDefault(s => tag.Split('-')[0].Equals(s, StringComparison.OrdinalIgnoreCase)));

        Assert.Equal(expected, chosen);
    }

    [Theory]
    [InlineData("\"7-abc\"")]
    [InlineData("\"other\", \"7-abc\"")]
    [InlineData("W/\"7-abc\"")]
    [InlineData("\"7-abc-br\"")]
    [InlineData("\"7-abc-gzip\", \"x\"")]
    [InlineData("*")]
    public void If_None_Match_with_any_coding_of_the_current_tag_compared_weakly_or_a_star_is_not_modified(string ifNoneMatch)
    {
        var request = Request("GET", ("If-None-Match", ifNoneMatch));

        Assert.True(ConditionalRequest.IsNotModified(request, EntityTag.Strong("\"7-abc\""), Modified));
    }

    [Theory]
    [InlineData("\"6-abc\"")]
    [InlineData("\"7-ab\", W/\"other\"")]
    [InlineData("\"7-abc-deflate\"")]
    [InlineData("not a tag list")]
    public void If_None_Match_without_the_current_tag_is_modified(string ifNoneMatch)
    {
        var request = Request("GET", ("If-None-Match", ifNoneMatch));

        Assert.False(ConditionalRequest.IsNotModified(request, EntityTag.Strong("\"7-abc\""), Modified));
    }

    [Fact]
    public void A_weak_tag_is_the_same_for_every_coding_and_matches_its_strong_spelling()
    {
        var tag = EntityTag.Weak("\"page-1\"");

        Assert.Equal("W/\"page-1\"", tag.For(ContentCoding.Identity).ToString());
        Assert.Equal(tag.For(ContentCoding.Identity), tag.For(ContentCoding.Brotli));
        Assert.True(ConditionalRequest.IsNotModified(Request("GET", ("If-None-Match", "\"page-1\"")), tag, null));
        Assert.False(ConditionalRequest.IsNotModified(Request("GET", ("If-None-Match", "\"page-1-br\"")), tag, null));
    }

    [Fact]
    public void If_Modified_Since_is_ignored_when_If_None_Match_is_present()
    {
        var later = Modified.AddHours(1).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var request = Request("GET", ("If-None-Match", "\"stale\""), ("If-Modified-Since", later));

        Assert.False(ConditionalRequest.IsNotModified(request, EntityTag.Strong("\"7-abc\""), Modified));
    }

    [Theory]
    [InlineData("Sun, 14 Jun 2026 09:30:15 GMT", true)]
    [InlineData("Sun, 14 Jun 2026 10:00:00 GMT", true)]
    [InlineData("Sun, 14 Jun 2026 09:30:14 GMT", false)]
    [InlineData("yesterday", false)]
    public void If_Modified_Since_alone_compares_whole_seconds(string since, bool notModified)
    {
        var request = Request("GET", ("If-Modified-Since", since));

        Assert.Equal(notModified, ConditionalRequest.IsNotModified(request, EntityTag.Strong("\"7-abc\""), Modified));
        Assert.False(ConditionalRequest.IsNotModified(request, EntityTag.Strong("\"7-abc\""), lastModified: null));
    }

    [Fact]
    public void Only_GET_and_HEAD_are_answered_not_modified()
    {
        Assert.True(ConditionalRequest.IsNotModified(Request("HEAD", ("If-None-Match", "*")), EntityTag.Strong("\"t\""), null));
        Assert.False(ConditionalRequest.IsNotModified(Request("POST", ("If-None-Match", "*")), EntityTag.Strong("\"t\""), null));
    }

    [Fact]
    public async Task The_writer_sends_the_precompressed_bytes_with_their_own_strong_tag_and_says_it_varies()
    {
        var representation = Large();
        var context = Context("GET", ("Accept-Encoding", "gzip, br"));

        await RepresentationWriter.WriteAsync(context, representation, EntityTag.Strong("\"7-abc\""), CacheClass.Public(TimeSpan.FromSeconds(60)),
            openCors: true);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("br", context.Response.Headers.ContentEncoding.ToString());
        Assert.Equal("\"7-abc-br\"", context.Response.Headers.ETag.ToString());
        Assert.Equal("Accept-Encoding", context.Response.Headers.Vary.ToString());
        Assert.Equal("public, max-age=60", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("*", context.Response.Headers.AccessControlAllowOrigin.ToString());
        Assert.Equal("Sun, 14 Jun 2026 09:30:15 GMT", context.Response.Headers.LastModified.ToString());
        Assert.Equal(representation.Brotli, Body(context));
        Assert.Equal(representation.Brotli!.Length, context.Response.ContentLength);
    }

    [Fact]
    public async Task The_writer_answers_304_with_validators_and_no_body_when_the_copy_is_current()
    {
        var context = Context("GET", ("Accept-Encoding", "gzip"), ("If-None-Match", "\"7-abc-gzip\""));

        await RepresentationWriter.WriteAsync(context, Large(), EntityTag.Strong("\"7-abc\""), CacheClass.Page);

        Assert.Equal(304, context.Response.StatusCode);
        Assert.Equal("\"7-abc-gzip\"", context.Response.Headers.ETag.ToString());
        Assert.Equal("public, max-age=10, must-revalidate", context.Response.Headers.CacheControl.ToString());
        Assert.Empty(Body(context));
    }

    [Fact]
    public async Task The_writer_answers_406_when_identity_and_every_stored_coding_are_refused()
    {
        var context = Context("GET", ("Accept-Encoding", "deflate, identity;q=0"));

        await RepresentationWriter.WriteAsync(context, Large(), EntityTag.Strong("\"7-abc\""), CacheClass.Page);

        Assert.Equal(406, context.Response.StatusCode);
        Assert.Equal("Accept-Encoding", context.Response.Headers.Vary.ToString());
        Assert.Empty(Body(context));
    }

    [Fact]
    public async Task A_HEAD_gets_the_headers_of_the_GET_and_no_body()
    {
        var representation = new Representation(Encoding.UTF8.GetBytes("small"), "text/plain; charset=utf-8", null);
        var context = Context("HEAD");

        await RepresentationWriter.WriteAsync(context, representation.Compressed(), EntityTag.Strong("\"k\""), CacheClass.Page);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(5, context.Response.ContentLength);
        Assert.Equal("\"k\"", context.Response.Headers.ETag.ToString());
        Assert.True(StringValues.IsNullOrEmpty(context.Response.Headers.Vary));
        Assert.Empty(Body(context));
    }

    private static Representation Large() =>
        new Representation(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("status page ", 400))), "text/html; charset=utf-8", Modified)
            .Compressed();

    private static DefaultHttpContext Context(string method, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static HttpRequest Request(string method, params (string Name, string Value)[] headers) => Context(method, headers).Request;

    private static byte[] Body(HttpContext context) => ((MemoryStream)context.Response.Body).ToArray();
}
