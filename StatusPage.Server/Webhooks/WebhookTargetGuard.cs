using System.Net;
using System.Net.Sockets;

namespace StatusPage.Server.Webhooks;

// The SSRF guard: a webhook may only reach public addresses, unless configuration allows private ones (tests, intranets).
// Checked on the address actually connected to (ConnectCallback), so DNS rebinding cannot slip past a check made earlier.
public static class WebhookTargetGuard
{
    public static string? ProblemWithUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "A webhook URL must be an absolute http or https URL.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "A webhook URL must not carry credentials; use the signing secret instead.";
        }
        return null;
    }

    // At registration: refuse a host that is, or resolves to, a non-public address. A name that does not resolve yet is left to
    // the connect-time check, which runs on every attempt anyway.
    public static async Task<string?> ProblemWithTargetAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.DnsSafeHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException)
            {
                return null;
            }
        }
        return addresses.Any(a => !IsPublic(a))
            ? $"The url's host {host} is a loopback, private or link-local address; webhooks only go to public addresses " +
              "(unless StatusPage:Webhooks:AllowPrivateTargets is true)."
            : null;
    }

    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)   // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))   // benchmarking
                || b[0] >= 224);                                 // multicast and reserved
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc);                       // unique local fc00::/7
        }
        return false;
    }

    // For SocketsHttpHandler.ConnectCallback: resolve, refuse non-public addresses (unless allowed), connect to the checked one.
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivate) =>
        async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            IPAddress[] allowed = [.. addresses.Where(a => allowPrivate || IsPublic(a))];
            if (allowed.Length == 0)
            {
                throw new HttpRequestException(
                    $"Refused webhook target {context.DnsEndPoint.Host}: it resolves only to private or loopback addresses.");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
