using CityOps.Grains;

namespace CityOps.Ingest.Influx;

/// <summary>The schema of docs/telemetry.md (CONTRACT §6): what each reading and case change becomes.</summary>
public static class TelemetryLines
{
    /// <summary>One point in the measurement of the device's kind: tags device, grid, unit; every metric a float field.</summary>
    public static void AppendReading(LineBuilder lines, TelemetryPoint point)
    {
        var reading = point.Reading;
        lines.Measurement(reading.Kind)
            .Tag("device", reading.DeviceId)
            .Tag("grid", point.Grid)
            .Tag("unit", point.Unit);
        foreach (var metric in reading.Metrics)
        {
            lines.Field(metric.Name, metric.Value);
        }

        lines.Field("lat", reading.Lat).Field("lon", reading.Lon).End(reading.TimestampMs);
    }

    /// <summary>One point in <c>cases</c> per case change.</summary>
    public static void AppendCase(LineBuilder lines, string eventName, CaseSnapshot c)
    {
        lines.Measurement("cases")
            .Tag("code", c.Code)
            .Tag("device", c.DeviceId)
            .Tag("severity", c.Severity)
            .Tag("status", c.Status)
            .Tag("unit", c.Unit)
            .Field("id", c.Id)
            .Field("event", eventName)
            .Field("value", c.Value)
            .Field("peak", c.Peak)
            .Field("title", c.Title)
            .Field("grid", c.Grid)
            .Field("rule", c.RuleId)
            .Field("alarm_active", c.AlarmActive)
            .End(c.UpdatedAt.ToUnixTimeMilliseconds());
    }
}
