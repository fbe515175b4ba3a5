namespace CityOps.Ingest.Security;

/// <summary>Who an MQTT session on the embedded broker belongs to, decided once at connect.</summary>
public sealed record ClientIdentity(string Name, string? DeviceKind)
{
    public const string SessionKey = "cityops.identity";

    public bool IsService => DeviceKind is null;

    /// <summary>The topic prefix a device owns: <c>city/{kind}/{deviceId}/</c>.</summary>
    public string? OwnPrefix { get; } = DeviceKind is null ? null : $"city/{DeviceKind}/{Name}/";
}
