using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace StatusPage.Server.Operators;

// Configuration section "StatusPage:ForwardedHeaders": the reverse proxies (TLS terminators) whose X-Forwarded-For and
// X-Forwarded-Proto are believed. Empty (the default): the headers are ignored and the connection is what it is.
internal sealed class ForwardedHeadersSettings
{
    public const string Section = "StatusPage:ForwardedHeaders";

    // Addresses, e.g. "10.0.0.5" or "::1".
    public string[] KnownProxies { get; set; } = [];

    // CIDR ranges, e.g. "10.0.0.0/8".
    public string[] KnownNetworks { get; set; } = [];

    public bool IsEnabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

// Behind a known TLS proxy a request counts as HTTPS, so the operator cookie is Secure (SameAsRequest) and HSTS is sent
// (SecurityHeaders.Apply); a request from anywhere else cannot claim to be HTTPS by sending the header itself.
internal static class TransportSecurity
{
    public static IHostApplicationBuilder AddTransportSecurity(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>()
            ?? new ForwardedHeadersSettings();
        builder.Services.AddSingleton(settings);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only what is configured: not the framework's default of trusting loopback.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    // First in the pipeline, so everything after it (cookies, HSTS, links, rate limits by address) sees the client's view.
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ForwardedHeadersSettings>().IsEnabled)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}
