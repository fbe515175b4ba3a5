namespace CityOps.Api.Security;

/// <summary>
/// The job an API key is for (<c>CityOps:Auth:ApiKeys:N:Role</c>); what it may do is its <see cref="Capability"/> set
/// (<see cref="Roles.Of"/>), each role the least its job needs. Numbers are kept from the ranked roles of before.
/// </summary>
public enum Role
{
    /// <summary>Reads everything (cases, devices, rules, KPIs, streams, Open311): Grafana, wall screens, auditors.</summary>
    Viewer = 1,

    /// <summary>Utility engineer: rules (replace, validate, backtest) and silences.</summary>
    Engineer = 2,

    /// <summary>Dispatch desk: files cases and moves them through the workflow; the alarm desk, upkeep queue and silences.</summary>
    Dispatcher = 3,

    /// <summary>Everything: devices, zones, imports, the audit log.</summary>
    Admin = 4,

    /// <summary>Lifeline monitor in the command hall: the alarm desk (acknowledge, file, dismiss) and the upkeep queue.</summary>
    Monitor = 5,

    /// <summary>Dispatcher + the decisions: 延期 approval, 督办, 挂账/缓办, cancelling a dispatched case.</summary>
    Supervisor = 6,
}
