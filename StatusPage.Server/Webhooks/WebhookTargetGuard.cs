using System.Net;
using System.Net.Sockets;

namespace StatusPage.Server.Webhooks;

// The SSRF guard: a webhook may only reach public addresses, unless configuration allows private ones (tests, intranets).
// Checked on the address actually connected to (ConnectCallback), so DNS rebinding cannot slip past a check made earlier.
internal static class WebhookTargetGuard
{
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
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IsPublicV6(address))
        {
            return false;
        }
        // An IPv6 address that carries an IPv4 one reaches that IPv4 host through a translator or tunnel: the IPv4 rules apply too.
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return EmbeddedIPv4(address.GetAddressBytes()).All(IsPublicV4);
        }
        return address.AddressFamily == AddressFamily.InterNetwork && IsPublicV4(address);
    }

    private static bool IsPublicV4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return !(b[0] == 0 || b[0] == 10 || b[0] == 127
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)   // carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))   // benchmarking
            || b[0] >= 224);                                 // multicast, reserved, broadcast
    }

    private static bool IsPublicV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (b[0] & 0xfe) == 0xfc                          // unique local fc00::/7
            || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01)); // NAT64 local-use 64:ff9b:1::/48
    }

    // The IPv4 addresses an IPv6 form carries: mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16,
    // Teredo 2001::/32 (its server, and its client stored inverted).
    private static IEnumerable<IPAddress> EmbeddedIPv4(byte[] b)
    {
        var upperTen = b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0;
        if (upperTen && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
        {
            yield return new IPAddress(b.AsSpan(12, 4));
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            yield return new IPAddress(b.AsSpan(12, 4));
        }
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            yield return new IPAddress(b.AsSpan(2, 4));
        }
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
        {
            yield return new IPAddress(b.AsSpan(4, 4));
            yield return new IPAddress([(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]]);
        }
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
