namespace CityOps.Api.Security;

/// <summary>What a request needs (<see cref="AccessPolicy"/>) and what a role grants (<see cref="Role"/>).</summary>
[Flags]
public enum Capability
{
    None = 0,

    /// <summary>Every GET: cases, alarms, devices, rules, KPIs, streams, Open311.</summary>
    Read = 1,

    /// <summary>Alarm actions: acknowledge, file, dismiss.</summary>
    AlarmDesk = 2,

    /// <summary>The device-upkeep queue (<c>/api/v1/maintenance</c>).</summary>
    Upkeep = 4,

    /// <summary>Maintenance windows (<c>/api/v1/silences</c>).</summary>
    Silences = 8,

    /// <summary>Replace, validate and backtest rules.</summary>
    Rules = 16,

    /// <summary>File cases and act on them (dispatch, handle, verify, close, rework, return, reassign, request-postpone, cancel before dispatch).</summary>
    Cases = 32,

    /// <summary>The supervisor's decisions on cases: postpone, approve/reject-postpone, defer/resume, supervise, cancel after dispatch.</summary>
    Supervise = 64,

    /// <summary>Devices, zones, imports, routing and anything else not classified.</summary>
    Registry = 128,

    /// <summary>The audit log.</summary>
    Audit = 256,
}
