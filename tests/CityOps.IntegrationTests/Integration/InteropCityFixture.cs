namespace CityOps.Tests.Integration;

/// <summary>A CityOps with every MQTT default (only the port moved), as <c>dotnet run</c> starts it.</summary>
public sealed class InteropCityFixture : EmbeddedCityFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [];
}
