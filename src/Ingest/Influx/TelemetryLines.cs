using CityOps.Grains;

namespace CityOps.Ingest.Influx;

/// <summary>The schema of docs/telemetry.md (CONTRACT §6): what each reading and case change becomes.</summary>
public static class TelemetryLines
{
    /// <summary>
    /// One point in the measurement of the device's kind: tags device, grid, unit; every metric a float field. Its time
    /// is the reading's millisecond plus <see cref="NanosOf"/>, so readings sharing a millisecond are separate points.
    /// </summary>
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

        lines.Field("lat", reading.Lat).Field("lon", reading.Lon).End(reading.TimestampMs, NanosOf(reading));
    }

    /// <summary>
    /// Where in its millisecond a reading is stored (0–999,999 ns), from what identifies it, never from when it arrived:
    /// its <c>seq</c> when it has one (a redelivery, same <c>seq</c> and <c>ts</c>, lands on the same point; a million
    /// consecutive <c>seq</c> never share one), otherwise its metrics (a reading sent again unchanged lands on itself).
    /// </summary>
    public static int NanosOf(Reading reading)
    {
        if (reading.Seq is { } seq)
        {
            return (int)(((seq % 1_000_000) + 1_000_000) % 1_000_000);
        }

        // FNV-1a over names and values: the same in every process, unlike string.GetHashCode, so it holds across restarts.
        var hash = Fnv.Offset;
        foreach (var metric in reading.Metrics)
        {
            hash = Fnv.Add(Fnv.Add(hash, metric.Name), BitConverter.DoubleToInt64Bits(metric.Value));
        }

        return (int)(hash % 1_000_000);
    }

    /// <summary>
    /// One point in <c>cases</c> per case change. Changes in one millisecond stay apart: those of different cases by the
    /// case id, those of one case by <paramref name="sequence"/>, the change's number in the event log (consecutive).
    /// </summary>
    public static void AppendCase(LineBuilder lines, string eventName, CaseSnapshot c, long sequence)
    {
        lines.Measurement("cases")
            .Tag("code", c.Code)
            .Tag("device", c.DeviceId)
            .Tag("severity", WireNames.Of(c.Severity))
            .Tag("status", WireNames.Of(c.Status))
            .Tag("unit", c.Unit)
            .Field("id", c.Id)
            .Field("event", eventName)
            .Field("value", c.Value)
            .Field("peak", c.Peak)
            .Field("title", c.Title)
            .Field("grid", c.Grid)
            .Field("rule", c.RuleId)
            .Field("alarm_active", c.AlarmActive)
            .Field("category", c.Category)
            .Field("code_type", c.CodeType is { } type ? WireNames.Of(type) : null)
            .End(c.UpdatedAt.ToUnixTimeMilliseconds(), (int)((Fnv.Add(Fnv.Offset, c.Id) % 1_000_000 + (ulong)(sequence % 1_000_000)) % 1_000_000));
    }
}
