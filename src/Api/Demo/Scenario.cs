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

        return scenario;
    }
}

/// <summary>A storm centred on a point: depth grows to its peak, then recedes by <see cref="EndSeconds"/>.</summary>
public sealed record Storm(
    double Lat,
    double Lon,
    double RadiusMeters,
    int StartSeconds,
    int PeakSeconds,
    int EndSeconds,
    double PeakDepthCm,
    IReadOnlyList<string>? LowGauges = null,
    double LowGaugeFactor = 1.8)
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
    /// <summary>A silent device stays silent for good (so its offline rule can fire); the rest repeat every cycle.</summary>
    public bool IsActive(double sinceStart, double inCycle) => Type == IncidentType.Silent
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

    /// <summary>A lamp cabinet loses its supply: <c>voltage_v</c> 0.</summary>
    PowerLoss,
}
