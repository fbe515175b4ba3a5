namespace CityOps.Ingest.Influx;

/// <summary><c>CityOps:Influx</c>: where telemetry is stored. Unset <see cref="Url"/> = not stored.</summary>
public sealed class InfluxOptions
{
    /// <summary>Base URL, e.g. <c>http://127.0.0.1:8086</c>.</summary>
    public string? Url { get; set; }

    /// <summary>InfluxDB 1.x database (<c>/write?db=</c>), created if missing.</summary>
    public string Database { get; set; } = "cityops";

    /// <summary>InfluxDB 1.x credentials (basic auth), optional.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>InfluxDB 2.x/3.x: when Bucket is set, points go through InfluxDB.Client to <c>/api/v2/write?org=&amp;bucket=</c> with <c>Authorization: Token</c>.</summary>
    public string? Org { get; set; }

    public string? Bucket { get; set; }

    public string? Token { get; set; }

    /// <summary>
    /// How backtests read a 2.x/3.x target: <c>flux</c> (InfluxDB.Client's query API; InfluxDB 2.x) or <c>influxql</c>
    /// (the v1-compatible <c>/query</c>, with the bucket as database: InfluxDB 3, which has no Flux, or a 2.x DBRP mapping).
    /// </summary>
    public string QueryLanguage { get; set; } = Flux;

    /// <summary>Most lines in one write request.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>Longest a point waits in memory before it is sent. Batches leave as soon as the previous write is done, so this only bounds the wait.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Points held in memory; beyond this the ingest path waits (back-pressure).</summary>
    public int MaxPendingPoints { get; set; } = 100_000;

    /// <summary>How long one write request may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries of a live batch before it is spilled to disk.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>Disk the spill folder may use; when full, ingestion waits rather than lose readings.</summary>
    public long MaxSpillBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Request bodies at least this large are gzipped.</summary>
    public int GzipMinBytes { get; set; } = 4096;

    public const string Flux = "flux";

    public const string InfluxQl = "influxql";

    public bool IsV2 => !string.IsNullOrEmpty(Bucket);
}
