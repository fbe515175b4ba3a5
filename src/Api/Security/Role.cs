namespace CityOps.Api.Security;

/// <summary>What an API key may do; each role may do everything the ones below it may.</summary>
public enum Role
{
    /// <summary>Read everything (cases, devices, rules, KPIs, streams, Open311).</summary>
    Viewer = 1,

    /// <summary>+ change rules and silences.</summary>
    Engineer = 2,

    /// <summary>+ file cases and act on them (dispatch, handle, verify, close, rework, postpone, cancel).</summary>
    Dispatcher = 3,

    /// <summary>Everything: devices, zones, imports.</summary>
    Admin = 4,
}
