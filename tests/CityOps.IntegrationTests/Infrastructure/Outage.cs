using System.Globalization;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// How long the fault tests keep a dependency away: a short CI default, or <c>CITYOPS_OUTAGE_SECONDS</c> for the
/// long run (e.g. 60 for "InfluxDB and the webhook receiver each down for a minute under load").
/// </summary>
public static class Outage
{
    public const string Variable = "CITYOPS_OUTAGE_SECONDS";

    public static TimeSpan Length(int ciSeconds) =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : ciSeconds);
}
