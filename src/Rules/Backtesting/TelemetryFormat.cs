namespace CityOps.Rules.Backtesting;

/// <summary>Uploaded telemetry for a backtest: CSV with a header row, or InfluxDB line protocol (the telemetry schema).</summary>
public enum TelemetryFormat
{
    Csv,
    LineProtocol,
}
