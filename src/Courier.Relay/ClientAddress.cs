using System.Net;

namespace Courier.Relay;

/// <summary>The client address that per-address limits count against.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// An IPv4 address (also when mapped into IPv6) as it is; an IPv6 address as its /64, since one
    /// host is commonly given a whole /64 and could otherwise take a fresh address per request.
    /// </summary>
    public static IPAddress LimitKey(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
