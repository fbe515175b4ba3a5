using System.Net;

namespace CityOps.Ingest.Edge;

/// <summary>
/// <c>CityOps:Mqtt:EmbeddedBind</c>: <c>loopback</c>, <c>any</c>, or comma-separated IP addresses. Unset means loopback
/// on an open broker (anyone could publish for any device) and every interface once devices must authenticate.
/// </summary>
public static class ListenAddresses
{
    public static string Effective(MqttOptions options) =>
        string.IsNullOrWhiteSpace(options.EmbeddedBind) ? (options.RequireAuth ? "any" : "loopback") : options.EmbeddedBind.Trim();

    /// <summary>The addresses to bind; <c>any</c> is one dual-mode IPv6 socket that also takes IPv4.</summary>
    public static bool TryResolve(string value, out IReadOnlyList<IPAddress> addresses, out string error)
    {
        error = "";
        switch (value.Trim().ToLowerInvariant())
        {
            case "loopback":
                addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
                return true;
            case "any":
                addresses = [IPAddress.IPv6Any];
                return true;
        }

        var list = new List<IPAddress>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPAddress.TryParse(part, out var address))
            {
                addresses = [];
                error = $"'{part}' is not an IP address (use loopback, any, or IP addresses separated by commas)";
                return false;
            }

            list.Add(address);
        }

        addresses = list;
        if (list.Count == 0)
        {
            error = "no address given (use loopback, any, or IP addresses separated by commas)";
            return false;
        }

        return true;
    }
}
