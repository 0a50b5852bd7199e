using Microsoft.Extensions.Primitives;

namespace StatusPage.Server.Security;

// The policy a feature declares for its endpoints (endpoint metadata); endpoints that declare none get Public.
internal sealed class ContentSecurityPolicy
{
    private ContentSecurityPolicy(string value) => Value = value;

    // No inline script, no third-party origin.
    public static ContentSecurityPolicy Public { get; } = new(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");

    // The console: WebAssembly needs 'wasm-unsafe-eval', MudBlazor sets inline styles; still no third-party origin, no inline script.
    public static ContentSecurityPolicy Console { get; } = new(
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");

    // Framework files (scripts and WebAssembly, never a document) carry none.
    public static ContentSecurityPolicy None { get; } = new("");

    public StringValues Value { get; }
}
