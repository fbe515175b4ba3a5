using CityOps.Grains.Configuration;

namespace CityOps.Api.Cli;

/// <summary>
/// The zone in which the offline rule commands judge <c>when:</c> schedules that name none, the server's: <c>--time-zone
/// &lt;IANA id&gt;</c>, else <c>CityOps:TimeZone</c> read as the server reads it (appsettings.json beside the binaries,
/// appsettings.{environment}.json, then the environment, e.g. <c>CityOps__TimeZone</c>), else the machine's zone.
/// </summary>
internal static class CliTimeZone
{
    public const string Option = "--time-zone";

    /// <summary>The configuration the server starts with, less its command line.</summary>
    public static IConfiguration ServerConfiguration()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }

    /// <summary>The zone, or null (the reason written to <paramref name="error"/>) when the one named is not an IANA id.</summary>
    public static TimeZoneInfo? Resolve(string[] args, IConfiguration configuration, TextWriter error)
    {
        var option = RulesCommand.Option(args, Option);
        var city = new CityOptions { TimeZone = option ?? configuration[$"{CityOptions.Section}:{nameof(CityOptions.TimeZone)}"] };
        var problems = new OptionsProblems(CityOptions.Section);
        CityOptions.Check(city, problems);
        if (problems.Lines.Count == 0)
        {
            return city.Zone();
        }

        error.WriteLine(option is null ? problems.Lines[0] : OptionsProblems.Format(Option, option, "must be an IANA time zone id such as Asia/Shanghai"));
        return null;
    }
}
