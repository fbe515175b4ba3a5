using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CityOps.Api.Security;

/// <summary>
/// The network a client address is counted in by the rate limiter: every loopback address is one (127.0.0.2,
/// 127.0.0.3… and ::1 are the same machine), IPv4 by /24 and IPv6 by /64 (what one host or one subscriber usually
/// holds), so a client cannot give itself a fresh burst by changing its address within its own network.
/// </summary>
public static class ClientNetwork
{
    public const string Loopback = "loopback";

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return Loopback;
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24");
        }

        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
