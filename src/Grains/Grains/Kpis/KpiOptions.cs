using CityOps.Grains.Configuration;

namespace CityOps.Grains.Kpis;

/// <summary>
/// <c>CityOps:Kpis</c>: how a city counts its indicators (docs/kpis.md). The defaults are the evaluation rules of
/// DOMAIN.md; each switch is a variant some cities use.
/// </summary>
public sealed class KpiOptions
{
    public const string Section = "CityOps:Kpis";

    /// <summary>IANA zone in which weeks and months of the reports begin and end; unset: the city's (<c>CityOps:TimeZone</c>).</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// A case handled before its deadline counts in the period it was handled (not the one its deadline falls in).
    /// Default false: a case counts in the period its deadline falls in (plus carry-over), as the standard counts.
    /// </summary>
    public bool CountHandledEarly { get; set; }

    /// <summary>返工率's denominator: <c>handled</c> (处置数, the default) or <c>toClose</c> (应结案数).</summary>
    public string ReworkBase { get; set; } = "handled";

    /// <summary>Subtract cases deferred (挂账/缓办) at the period's end from 应结案数 (some cities do).</summary>
    public bool SubtractDeferredFromToClose { get; set; }

    /// <summary>Digits of the grid code that name a 区 (district), 街道 (street) and 社区 (community).</summary>
    public int DistrictDigits { get; set; } = 6;

    public int StreetDigits { get; set; } = 9;

    public int CommunityDigits { get; set; } = 12;

    /// <summary>
    /// 综合评价: the weight of each rate in a unit's score (rate names as in the JSON; 0 leaves one out). Rates where
    /// less is better (reworkRate, overdueRate, postponeRate) count as 1 − rate.
    /// </summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.Ordinal)
    {
        [KpiRates.OnTimeCloseRate] = 0.3,
        [KpiRates.OnTimeHandleRate] = 0.2,
        [KpiRates.CloseRate] = 0.2,
        [KpiRates.HandleRate] = 0.1,
        [KpiRates.ReworkRate] = 0.1,
        [KpiRates.OverdueRate] = 0.1,
    };

    /// <summary>The zone named by <see cref="TimeZone"/>, or the city's (<paramref name="city"/>), or the machine's.</summary>
    public TimeZoneInfo Zone(CityOptions? city = null) =>
        TimeZone is { Length: > 0 } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : city?.Zone() ?? TimeZoneInfo.Local;

    public static void Check(KpiOptions o, OptionsProblems problems)
    {
        problems.Require(o.TimeZone is not { Length: > 0 } id || TimeZoneInfo.TryFindSystemTimeZoneById(id, out _), nameof(TimeZone), o.TimeZone, "must be an IANA time zone id such as Asia/Shanghai");
        problems.Require(o.ReworkBase is "handled" or "toClose", nameof(ReworkBase), o.ReworkBase, "must be handled or toClose");
        problems.Require(o.DistrictDigits is >= 1 and <= 15, nameof(DistrictDigits), o.DistrictDigits, "must be 1-15");
        problems.Require(o.StreetDigits > o.DistrictDigits && o.StreetDigits <= 15, nameof(StreetDigits), o.StreetDigits, "must be more than DistrictDigits, at most 15");
        problems.Require(o.CommunityDigits > o.StreetDigits && o.CommunityDigits <= 15, nameof(CommunityDigits), o.CommunityDigits, "must be more than StreetDigits, at most 15");
        foreach (var (name, weight) in o.Weights)
        {
            problems.Require(KpiRates.All.Contains(name), $"Weights:{name}", weight, $"is not a rate; rates are {string.Join(", ", KpiRates.All)}");
            problems.Require(double.IsFinite(weight) && weight >= 0, $"Weights:{name}", weight, "must be a number, 0 or more");
        }

        problems.Require(o.Weights.Any(w => KpiRates.All.Contains(w.Key) && w.Value > 0), nameof(Weights), o.Weights.Count, "at least one rate must weigh more than 0");
    }
}
