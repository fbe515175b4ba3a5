using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityOps.Api.Demo;

/// <summary>
/// The timeline the demo simulator plays, from <c>samples/scenario.json</c>: a storm, the permitted
/// truck route and incidents. Times are seconds into a cycle that repeats every <see cref="CycleSeconds"/>.
/// </summary>
public sealed record Scenario(
    string? Description,
    int CycleSeconds,
    Storm Storm,
    IReadOnlyList<double[]> Route,
    IReadOnlyList<Incident> Incidents)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static Scenario Parse(string json)
    {
        var scenario = JsonSerializer.Deserialize<Scenario>(json, Json) ?? throw new InvalidDataException("scenario.json is empty");
        if (scenario.CycleSeconds <= 0 || scenario.Route.Count < 2 || scenario.Route.Any(p => p.Length != 2))
        {
            throw new InvalidDataException("scenario.json needs cycleSeconds > 0 and a route of at least two [lon, lat] points");
        }

        var storm = scenario.Storm;
        if (storm.StartSeconds >= storm.PeakSeconds || storm.PeakSeconds >= storm.EndSeconds || storm.EndSeconds - storm.StartSeconds > scenario.CycleSeconds)
        {
            throw new InvalidDataException("scenario.json: the storm needs startSeconds < peakSeconds < endSeconds, within one cycle");
        }

        return scenario;
    }
}

/// <summary>
/// A storm centred on a point: rain grows to its peak, then recedes by <see cref="EndSeconds"/>. A negative
/// <see cref="StartSeconds"/> is a storm already raining when the demo starts (and that many seconds before each cycle ends).
/// It overwhelms the drains of one <see cref="Catchment"/> (the devices' <c>catchment</c> attribute): there the gauges
/// flood and the covers surcharge; elsewhere the water drains away, leaving a few centimetres.
/// </summary>
public sealed record Storm(
    double Lat,
    double Lon,
    double RadiusMeters,
    int StartSeconds,
    int PeakSeconds,
    int EndSeconds,
    double PeakDepthCm,
    string? Catchment = null,
    IReadOnlyList<string>? LowGauges = null,
    double LowGaugeFactor = 1.15)
{
    /// <summary>0 before and after the storm, 1 at its peak.</summary>
    public double Intensity(double t) =>
        t <= StartSeconds || t >= EndSeconds ? 0
        : t <= PeakSeconds ? (t - StartSeconds) / Math.Max(1, PeakSeconds - StartSeconds)
        : (EndSeconds - t) / Math.Max(1, EndSeconds - PeakSeconds);
}

/// <summary>Something that happens to one device from <see cref="AtSeconds"/> for <see cref="ForSeconds"/> (or the rest of the cycle).</summary>
public sealed record Incident(string Device, IncidentType Type, int AtSeconds, int? ForSeconds = null, double? Value = null)
{
    /// <summary>
    /// A silent device, a frozen sensor and a cabinet without power stay so for good (the demo has no repair crew); the
    /// rest repeat every cycle.
    /// </summary>
    public bool IsLasting => Type is IncidentType.Silent or IncidentType.Frozen or IncidentType.PowerLoss;

    public bool IsActive(double sinceStart, double inCycle) => IsLasting
        ? sinceStart >= AtSeconds
        : inCycle >= AtSeconds && (ForSeconds is not { } duration || inCycle < AtSeconds + duration);
}

public enum IncidentType
{
    /// <summary>A manhole cover knocked askew: <c>tilt_deg</c> = value.</summary>
    Tilt,

    /// <summary>A manhole cover lifted off.</summary>
    Open,

    /// <summary>A lamp's supply sags to value volts.</summary>
    Undervoltage,

    /// <summary>A lamp whose relay is on but which draws no current (缺亮 at night).</summary>
    Dark,

    /// <summary>A lamp lit all day (昼亮).</summary>
    LitByDay,

    /// <summary>A truck driving at value km/h.</summary>
    Speeding,

    /// <summary>A truck with its lid open (未密闭).</summary>
    LidOpen,

    /// <summary>A truck value metres off its permitted route.</summary>
    OffRoute,

    /// <summary>A device that stops reporting.</summary>
    Silent,

    /// <summary>Methane next to a gas pipeline: <c>ch4_lel</c> = value (% LEL).</summary>
    GasLeak,

    /// <summary>A lamp cabinet loses its supply: <c>voltage_v</c> 0, and so do the lamps whose <c>parent</c> it is.</summary>
    PowerLoss,

    /// <summary>
    /// A gauge's sensor stuck at value since <see cref="Incident.AtSeconds"/>; negative: before the demo started, and its
    /// terminal uploads the readings it stored since (store-and-forward) when the demo starts.
    /// </summary>
    Frozen,
}
