namespace CityOps.Grains.Incidents;

/// <summary>
/// The persisted state of one incident grain (one incident rule and group): the active alarms of the group (candidates
/// while no incident is open, members once it is), and the open incident with its case.
/// </summary>
[GenerateSerializer, Alias("cityops.incident-state")]
public sealed class IncidentState
{
    /// <summary>The open incident; null while the group's alarms are too few or too far apart to make one.</summary>
    [Id(0)] public string? IncidentId { get; set; }

    /// <summary>The incident's case; persisted before it is filed, so a crash files it on reactivation, never a second one.</summary>
    [Id(1)] public string? CaseId { get; set; }

    [Id(2)] public bool CaseFiled { get; set; }

    [Id(3)] public DateTimeOffset OpenedAt { get; set; }

    /// <summary>By alarm id. Candidates leave when they clear; members of an open incident stay (inactive) until it clears.</summary>
    [Id(4)] public Dictionary<string, IncidentMemberState> Members { get; set; } = new(StringComparer.Ordinal);

    [Id(5)] public string? GroupName { get; set; }

    /// <summary>
    /// The worst severity any member reached while the incident is open (it never falls). A state written while this was a
    /// name still loads (<see cref="SeverityCodec"/>).
    /// </summary>
    [Id(6)] public Severity Severity { get; set; }
}

/// <summary>One alarm of the group as its incident grain keeps it.</summary>
[GenerateSerializer, Alias("cityops.incident-member-state")]
public sealed class IncidentMemberState
{
    [Id(0)] public string AlarmId { get; set; } = "";
    [Id(1)] public string DeviceId { get; set; } = "";
    [Id(2)] public string RuleId { get; set; } = "";
    [Id(3)] public Severity Severity { get; set; }
    [Id(4)] public double? Lat { get; set; }
    [Id(5)] public double? Lon { get; set; }
    [Id(6)] public string? Grid { get; set; }
    [Id(7)] public string? Unit { get; set; }
    [Id(8)] public DateTimeOffset RaisedAt { get; set; }
    [Id(9)] public DateTimeOffset? ClearedAt { get; set; }

    /// <summary>The case the alarm filed by its own rule's policy before the incident formed, if any.</summary>
    [Id(10)] public string? OwnCaseId { get; set; }

    /// <summary>The (incident, case) the device was last told of; the device is told again when either changes.</summary>
    [Id(11)] public string? ToldIncident { get; set; }
    [Id(12)] public string? ToldCase { get; set; }

    /// <summary>The alarm's value at its last report, and its peak.</summary>
    [Id(13)] public double? Value { get; set; }
    [Id(14)] public double? Peak { get; set; }

    public bool Active => ClearedAt is null;

    public IncidentMember ToMember() => new(AlarmId, DeviceId, RuleId, Severity, Active, Lat, Lon, RaisedAt, ClearedAt);
}
