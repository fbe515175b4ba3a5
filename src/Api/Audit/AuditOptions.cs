using CityOps.Grains.Configuration;

namespace CityOps.Api.Audit;

/// <summary><c>CityOps:Audit</c>: how long the audit log keeps entries and how much of a path it keeps.</summary>
public sealed class AuditOptions
{
    /// <summary>Entries older than this are deleted by the <see cref="AuditRetentionSweeper"/>.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the node deletes entries past <see cref="Retention"/> (also once at start).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Characters of a request path kept in an entry; a longer one is cut and ends with <c>…</c>.</summary>
    public int MaxPathLength { get; set; } = 256;

    public const string Section = "CityOps:Audit";

    public static void Check(AuditOptions o, OptionsProblems problems)
    {
        problems.Require(o.Retention >= TimeSpan.FromHours(1), nameof(Retention), o.Retention, "must be at least 1 hour");
        problems.Require(o.SweepInterval >= TimeSpan.FromSeconds(1), nameof(SweepInterval), o.SweepInterval, "must be at least 1 second");
        problems.Require(o.MaxPathLength is >= 16 and <= 2048, nameof(MaxPathLength), o.MaxPathLength, "must be 16-2048");
    }
}
