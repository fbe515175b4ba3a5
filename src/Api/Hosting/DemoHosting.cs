namespace CityOps.Api;

/// <summary>Placeholder until the demo loader lands.</summary>
public static partial class CityOpsApp
{
    public static WebApplicationBuilder AddCityOpsDemo(this WebApplicationBuilder builder) => builder;
}
