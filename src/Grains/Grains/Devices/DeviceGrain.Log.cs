namespace CityOps.Grains.Devices;

public sealed partial class DeviceGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} auto-provisioned as {Kind} on its first reading")]
    private static partial void LogAutoProvisioned(ILogger logger, string deviceId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: {Problem}")]
    private static partial void LogBadTuning(ILogger logger, string deviceId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a {Kind} reading but is registered as {Registered}; refused")]
    private static partial void LogWrongKind(ILogger logger, string deviceId, string kind, string registered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: reading stamped {Timestamp:O} is too far ahead of this node's clock (CityOps:Devices:FutureTolerance); stored, not judged")]
    private static partial void LogAhead(ILogger logger, string deviceId, DateTimeOffset timestamp);
}
