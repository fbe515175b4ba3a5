using CityOps.Grains.Configuration;

namespace CityOps.Grains.Cases;

/// <summary><c>CityOps:Cases</c>: how time acts on cases.</summary>
public sealed class CasesOptions
{
    /// <summary>A handled case raised by a rule is verified by its sensor once the alarm has stayed clear this long.</summary>
    public TimeSpan SensorVerifyAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long case events stay in the durable log (SSE replay); events the webhook still owes are kept.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often open cases are checked for deadlines and sensor verification.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>督办 level 1 is recorded automatically when a dispatched case passes its 处置时限.</summary>
    public bool AutoSupervise { get; set; } = true;

    public const string Section = "CityOps:Cases";

    public static void Check(CasesOptions o, OptionsProblems problems)
    {
        problems.Require(o.SensorVerifyAfter >= TimeSpan.Zero, nameof(SensorVerifyAfter), o.SensorVerifyAfter, "must not be negative");
        problems.Require(o.EventRetention > TimeSpan.Zero, nameof(EventRetention), o.EventRetention, "must be positive");
        problems.Require(o.SweepInterval > TimeSpan.Zero, nameof(SweepInterval), o.SweepInterval, "must be positive");
    }
}
