namespace CityOps.Tests.Integration;

/// <summary>An open CityOps that auto-provisions five new devices at once and (in test time) no more.</summary>
public sealed class AutoProvisionCityFixture : EmbeddedCityFixture
{
    public const int Burst = 5;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => new Dictionary<string, string>
    {
        ["CityOps:Devices:AutoProvisionBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CityOps:Devices:AutoProvisionPerSecond"] = "0.0001", // one more device every 3 hours
    };
}
