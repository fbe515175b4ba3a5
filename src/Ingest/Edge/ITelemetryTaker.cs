using CityOps.Ingest.Security;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Ingest.Edge;

/// <summary>
/// Takes a telemetry publish straight off its connection (<see cref="GuardedChannelAdapter"/>), before MQTTnet's server
/// sees it: checked, parsed and in the ingest channel when this returns; the connection then answers it itself.
/// </summary>
public interface ITelemetryTaker
{
    ValueTask<TelemetryAnswer> TakeAsync(ClientIdentity identity, MqttPublishPacket publish);
}

/// <summary>What a telemetry publish is answered: its PUBACK's reason (MQTT 5 carries it), or closing the connection unanswered.</summary>
public readonly record struct TelemetryAnswer(MqttPubAckReasonCode ReasonCode, string? ReasonString = null, bool CloseConnection = false)
{
    public static readonly TelemetryAnswer Taken = new(MqttPubAckReasonCode.Success);

    /// <summary>Shutting down: no PUBACK, so a QoS 1 publisher sends it again to the next run.</summary>
    public static readonly TelemetryAnswer Close = new(MqttPubAckReasonCode.UnspecifiedError, null, CloseConnection: true);
}
