using System.Collections.Immutable;

namespace CityOps.Api.Security;

/// <summary>
/// The job an API key is for (<c>CityOps:Auth:ApiKeys:N:Role</c>) and the <see cref="Capability"/> set it grants, each
/// role the least its job needs. <see cref="All"/> is the one list of roles: configuration, the access check and
/// <c>/api/v1/me</c> read it.
/// </summary>
public sealed record Role(string Name, Capability Grants)
{
    /// <summary>Reads everything (cases, devices, rules, KPIs, streams, Open311): Grafana, wall screens, auditors.</summary>
    public static readonly Role Viewer = new("viewer", Capability.Read);

    /// <summary>Lifeline monitor in the command hall: the alarm desk (acknowledge, file, dismiss) and the upkeep queue.</summary>
    public static readonly Role Monitor = new("monitor", Capability.Read | Capability.AlarmDesk | Capability.Upkeep);

    /// <summary>Utility engineer: rules (replace, validate, backtest) and silences.</summary>
    public static readonly Role Engineer = new("engineer", Capability.Read | Capability.Rules | Capability.Silences);

    /// <summary>Dispatch desk: files cases and moves them through the workflow; the alarm desk, upkeep queue and silences.</summary>
    public static readonly Role Dispatcher = new("dispatcher", Capability.Read | Capability.AlarmDesk | Capability.Upkeep | Capability.Silences | Capability.Cases);

    /// <summary>Dispatcher + the decisions: 延期 approval, 督办, 挂账/缓办, cancelling a dispatched case.</summary>
    public static readonly Role Supervisor = new("supervisor", Dispatcher.Grants | Capability.Supervise);

    /// <summary>Everything: devices, zones, imports, the audit log.</summary>
    public static readonly Role Admin = new("admin", (Capability)(-1));

    public static ImmutableArray<Role> All { get; } = [Viewer, Monitor, Engineer, Dispatcher, Supervisor, Admin];

    /// <summary>The role names accepted in configuration.</summary>
    public static string Names { get; } = string.Join(", ", All[..^1].Select(r => r.Name)) + " or " + All[^1].Name;

    /// <summary>The role named <paramref name="name"/> (any case), or null.</summary>
    public static Role? Find(string? name) => All.FirstOrDefault(r => string.Equals(r.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public bool Allows(Capability needed) => (Grants & needed) == needed;

    public override string ToString() => Name;
}
