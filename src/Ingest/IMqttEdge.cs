namespace CityOps.Ingest;

/// <summary>Where readings arrive: the client on an external broker, or the embedded broker itself. Health reads it.</summary>
public interface IMqttEdge
{
    /// <summary>True while readings can arrive.</summary>
    bool IsConnected { get; }

    /// <summary>One line for the health report.</summary>
    string Status { get; }
}
