using System.Globalization;

namespace CityOps.Tests.Integration;

/// <summary>An open CityOps with a short CONNECT timeout, a small pending-socket limit and a retained quota of three.</summary>
public sealed class EdgeLimitsCityFixture : EmbeddedCityFixture
{
    public const int MaxPendingConnections = 500;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => new Dictionary<string, string>
    {
        ["CityOps:Mqtt:ConnectTimeout"] = "00:00:05",
        ["CityOps:Mqtt:MaxPendingConnections"] = MaxPendingConnections.ToString(CultureInfo.InvariantCulture),
        ["CityOps:Mqtt:MaxRetainedMessages"] = "3",
    };
}
