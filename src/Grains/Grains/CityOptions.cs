using CityOps.Grains.Configuration;

namespace CityOps.Grains;

/// <summary>
/// <c>CityOps</c>: what holds for the whole city. <see cref="TimeZone"/> is the default of every local-time setting: KPI
/// periods (<c>CityOps:Kpis:TimeZone</c>), the routing calendar (<c>calendar.timeZone</c>) and rule schedules
/// (<c>when: { timeZone: }</c>), each of which still overrides it.
/// </summary>
public sealed class CityOptions
{
    public const string Section = "CityOps";

    /// <summary>The city's IANA time zone (e.g. <c>Asia/Shanghai</c>); unset: the machine's zone.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The zone named by <see cref="TimeZone"/>, or the machine's.</summary>
    public TimeZoneInfo Zone() => TimeZone is { Length: > 0 } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Local;

    public static void Check(CityOptions o, OptionsProblems problems)
    {
        problems.Require(o.TimeZone is not { Length: > 0 } id || TimeZoneInfo.TryFindSystemTimeZoneById(id, out _), nameof(TimeZone), o.TimeZone, "must be an IANA time zone id such as Asia/Shanghai");
    }
}
