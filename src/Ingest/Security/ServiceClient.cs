namespace CityOps.Ingest.Security;

/// <summary>
/// <c>CityOps:Mqtt:ServiceClients:N</c>: a client that is not a device (a gateway, a simulator, another
/// system): it may publish telemetry for any device and subscribe to any topic.
/// </summary>
public sealed class ServiceClient
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
