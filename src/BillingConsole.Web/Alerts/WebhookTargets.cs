using System.Net;
using System.Net.Sockets;

namespace BillingConsole.Web.Alerts;

/// <summary>
/// Where an owner's webhook may point. A console that POSTs to any address an owner types can be made to call services
/// inside its own network (server-side request forgery), so endpoints must be public: checked when a URL is registered
/// (an address literal, <c>localhost</c>) and again when connecting, on the address actually dialled, so a name that
/// resolves (or later re-resolves) to a private address is refused too. Loopback and private targets are allowed only
/// with <see cref="AllowPrivate"/> (<c>Alerts:AllowPrivateWebhookTargets</c>; unset: Development only), for local
/// receivers and tests.
/// </summary>
public sealed class WebhookTargets(bool allowPrivate)
{
    public bool AllowPrivate => allowPrivate;

    /// <summary>Null when the URL may be registered; otherwise the reason, for the owner.</summary>
    public string? ValidateUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url!.Length > 2000 || !string.IsNullOrEmpty(uri.UserInfo)
            || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return "url must be an absolute https URL of at most 2000 characters, without credentials.";
        if (allowPrivate)
            return uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback ? null : "url must use https (http only to a loopback address).";
        if (uri.Scheme != Uri.UriSchemeHttps)
            return "url must use https.";
        var literal = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ? IPAddress.Parse(uri.IdnHost) : null;
        return uri.IsLoopback || literal is not null && !IsPublic(literal)
            ? "url must point to a public address, not a loopback, private or link-local one."
            : null;
    }

    /// <summary>The connect step of the webhook client: resolves the host and dials only addresses that may be called.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var usable = allowPrivate ? resolved : [.. resolved.Where(IsPublic)];
        if (usable.Length == 0)
            throw new HttpRequestException($"{host} resolves to no public address; webhooks are delivered to public endpoints only.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, private (RFC 1918, unique local), shared (CGNAT), link-local (cloud metadata lives
    /// there), multicast, reserved and unspecified addresses, including IPv4 ones embedded in IPv6.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out var length);
        if (length == 4)
            return IsPublicV4(b[..4]);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC)
            return false;
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides where the packet goes.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
            return IsPublicV4(b[12..16]);
        if (b[0] == 0x20 && b[1] == 0x02)
            return IsPublicV4(b[2..6]);
        return true;
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] is 0 or 10 or 127 or >= 224
        || b[0] == 100 && b[1] is >= 64 and <= 127
        || b[0] == 169 && b[1] == 254
        || b[0] == 172 && b[1] is >= 16 and <= 31
        || b[0] == 192 && b[1] == 0 && b[2] == 0
        || b[0] == 192 && b[1] == 168
        || b[0] == 198 && b[1] is 18 or 19);
}
