namespace CityOps.Grains.Devices;

/// <summary>What a device grain keeps across restarts. Field ids never change; add new ones at the end.</summary>
[GenerateSerializer, Alias("cityops.device-state")]
public sealed class DeviceState
{
    [Id(0)] public DeviceRegistration? Registration { get; set; }
    [Id(1)] public bool AutoProvisioned { get; set; }

    /// <summary>Timestamp of the newest reading judged by rules; older or equal ones are not judged again.</summary>
    [Id(2)] public long LastEvaluatedMs { get; set; }
    [Id(3)] public long? LastSeq { get; set; }
    [Id(4)] public Dictionary<string, AlarmRecord> Alarms { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public Dictionary<string, double> Last { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The latest reported position (vehicles), else the registered one.</summary>
    [Id(7)] public double? Lat { get; set; }
    [Id(8)] public double? Lon { get; set; }
    [Id(9)] public string? Grid { get; set; }
    [Id(10)] public string? Unit { get; set; }
    [Id(11)] public string? ZoneVersion { get; set; }
    [Id(12)] public bool Online { get; set; }
}
