namespace CityOps.Ingest.Parsing;

/// <summary>The parts of a valid <c>city/{kind}/{deviceId}/telemetry</c> topic. <see cref="Kind"/> is a shared, interned instance.</summary>
public readonly record struct TelemetryTopic(string Kind, string DeviceId);
