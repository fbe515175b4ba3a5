using System.Diagnostics;
using System.Text.Json;
using CityOps.LoadTest;

// End-to-end load generator and meter for a running CityOps: see bench/README.md.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

// --api may list several nodes of a cluster (comma-separated): metrics are summed over them, cases watched on the first.
var nodes = options.Api.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(url => new HttpClient { BaseAddress = new Uri(url.TrimEnd('/')), Timeout = TimeSpan.FromSeconds(30) }).ToList();
var http = nodes[0];
var probe = new CityOpsProbe(nodes);
var city = new SyntheticCity(options.Devices);
await using var publisher = IReadingPublisher.Create(options, city);
Console.WriteLine($"CityOps at {options.Api}, broker {options.BrokerHost}:{options.BrokerPort}; {options.Devices:N0} devices, QoS {options.Qos}, " +
    $"{options.Connections} {(options.Raw ? "raw-socket" : "MQTTnet")} connections, run {options.RunId}");
await publisher.ConnectAsync();
if (options.PublishOnly)
{
    // Another consumer than CityOps: the same warm-up and load, counted as the broker acknowledged it.
    await publisher.PublishEveryDeviceOnceAsync(CancellationToken.None);
    Console.WriteLine($"warm-up: {options.Devices:N0} devices published once");
    await Task.Delay(TimeSpan.FromSeconds(2)); // the consumer takes the warm-up before the timed load starts
    var sentBefore = publisher.Sent;
    var published = await publisher.RunAsync(options.Rate, TimeSpan.FromSeconds(options.DurationSeconds), CancellationToken.None);
    Console.WriteLine($"published {publisher.Sent - sentBefore} ({published:0}/s), {publisher.Failed} failed");
    return publisher.Failed > 0 ? 1 : 0;
}

var crossingClient = (await Publisher.ConnectAsync(options, 1, "loadtest-crossings"))[0];

// A node's API opens before its ingest client has subscribed at an external broker, which drops what it has no
// subscriber for: the warm-up starts once every node says its MQTT edge is up.
var connecting = Stopwatch.StartNew();
while ((await probe.ScrapeAsync())["cityops_mqtt_connected"] < nodes.Count && connecting.Elapsed < TimeSpan.FromMinutes(1))
{
    await Task.Delay(100);
}

// Warm-up: one reading from every device, so activation (and auto-provisioning) is not measured as latency.
var warmup = Stopwatch.StartNew();
var acceptedBefore = (await probe.ScrapeAsync())["cityops_ingest_readings_total"];
var sentBeforeWarmup = publisher.Sent;
await publisher.PublishEveryDeviceOnceAsync(CancellationToken.None);
var warmupSent = publisher.Sent - sentBeforeWarmup;
while ((await probe.ScrapeAsync())["cityops_ingest_readings_total"] - acceptedBefore < warmupSent && warmup.Elapsed < TimeSpan.FromMinutes(30))
{
    await Task.Delay(200);
}

Console.WriteLine($"warm-up: {options.Devices:N0} devices active after {warmup.Elapsed.TotalSeconds:0.0} s");

// And a few crossings with their cases, so the first case a process files (its code compiled, its grains activated,
// the stream opened) is not measured as a crossing's latency either: it took 170-370 ms where the rest took under 20.
var crossing = 0;
if (options.CrossingsPerSecond > 0)
{
    var warmCases = new CaseWatcher(http, options.RunId);
    using var stopWarm = new CancellationTokenSource();
    var watchingWarm = warmCases.WatchAsync(stopWarm.Token);
    await warmCases.Connected;
    for (; crossing < 3; crossing++)
    {
        var (topic, payload) = SyntheticCity.Crossing(options.RunId, crossing + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        warmCases.Crossed(SyntheticCity.CrossingDevice(options.RunId, crossing + 1));
        await crossingClient.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    var waitWarm = Stopwatch.StartNew();
    while (warmCases.LatenciesMs.Count < crossing && waitWarm.Elapsed < TimeSpan.FromSeconds(30))
    {
        await Task.Delay(50);
    }

    await stopWarm.CancelAsync();
    await watchingWarm;
    Console.WriteLine($"warm-up: {warmCases.LatenciesMs.Count} of {crossing} warm-up crossings had their case ({string.Join(", ", warmCases.LatenciesMs.Select(ms => $"{ms:0} ms"))})");
}

var reports = new List<LoadReport>();
var rate = options.Rate;
Console.WriteLine(LoadReport.Header);
while (true)
{
    var report = await RunOnceAsync(rate);
    reports.Add(report);
    Console.WriteLine(report.Row);
    var sustained = report.Lost == 0 && report.PublishFailed == 0 && report.LagP99Ms <= options.MaxP99Ms
        && report.PublishedRate >= 0.97 * rate && report.SustainedRate >= 0.97 * rate;
    if (!options.Max || !sustained)
    {
        break;
    }

    rate += options.MaxStep;
}

if (options.Max)
{
    var best = reports.Where(r => r.Lost == 0 && r.LagP99Ms <= options.MaxP99Ms && r.SustainedRate >= 0.97 * r.TargetRate).MaxBy(r => r.SustainedRate);
    Console.WriteLine(best is null
        ? "max: no rate was sustained"
        : $"max: highest sustained rate {best.SustainedRate:0} readings/s (target {best.TargetRate}), p99 {best.LagP99Ms:0.0} ms, 0 lost");
}

if (options.Json is { } path)
{
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { options, reports }, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine("JSON: " + path);
}

await crossingClient.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptionsBuilder().Build());
crossingClient.Dispose();

return reports.Any(r => r.Lost > 0) ? 1 : 0;

async Task<LoadReport> RunOnceAsync(int target)
{
    var before = await probe.ScrapeAsync();
    var sentBefore = publisher.Sent;
    var failedBefore = publisher.Failed;
    var watcher = new CaseWatcher(http, options.RunId);
    using var stop = new CancellationTokenSource();
    var watching = watcher.WatchAsync(stop.Token);
    await watcher.Connected; // a case filed before the stream opened would never be seen on it
    var peakMemory = 0.0;
    var sampling = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            peakMemory = Math.Max(peakMemory, (await probe.ScrapeAsync())["process_working_set_bytes"]);
            await Task.Delay(1000);
        }
    });

    var duration = TimeSpan.FromSeconds(options.DurationSeconds);
    var crossings = Task.Run(async () =>
    {
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (clock.Elapsed < duration)
        {
            while (done < options.CrossingsPerSecond * clock.Elapsed.TotalSeconds)
            {
                var number = Interlocked.Increment(ref crossing);
                var (topic, payload) = SyntheticCity.Crossing(options.RunId, number, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                watcher.Crossed(SyntheticCity.CrossingDevice(options.RunId, number));
                await crossingClient.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                    .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
                done++;
            }

            await Task.Delay(20);
        }

        return done;
    });

    var clock = Stopwatch.StartNew();
    var published = await publisher.RunAsync(target, duration, CancellationToken.None);
    var crossed = await crossings;
    var sent = publisher.Sent - sentBefore + crossed;

    // Drain: wait until CityOps has accepted what was sent, or stops making progress for 10 s.
    var accepted = 0L;
    var lastProgress = Stopwatch.StartNew();
    while (true)
    {
        var now = await probe.ScrapeAsync();
        var seen = (long)(now["cityops_ingest_readings_total"] - before["cityops_ingest_readings_total"]);
        if (seen > accepted)
        {
            accepted = seen;
            lastProgress.Restart();
        }

        if (accepted >= sent || lastProgress.Elapsed > TimeSpan.FromSeconds(10))
        {
            break;
        }

        await Task.Delay(100);
    }

    var elapsed = clock.Elapsed.TotalSeconds;
    var waitCases = Stopwatch.StartNew();
    while (watcher.LatenciesMs.Count < watcher.Published && waitCases.Elapsed < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(50);
    }

    var after = await probe.ScrapeAsync();
    stop.Cancel();
    await watching;
    await sampling;
    var cases = watcher.LatenciesMs.Order().ToList();
    if (cases.Count > 0)
    {
        Console.WriteLine("slowest crossings to their case: " + string.Join(", ", watcher.Slowest(5).Select(s => $"{s.Device} {s.Ms:0} ms")));
    }

    double? Percentile(double q) => cases.Count == 0 ? null : cases[Math.Min(cases.Count - 1, (int)Math.Ceiling(q * cases.Count) - 1)];
    var cpu = after["process_cpu_seconds_total"] - before["process_cpu_seconds_total"];
    var stored = after.Values.ContainsKey("cityops_influx_points_written_total")
        ? (long?)(after["cityops_influx_points_written_total"] - before["cityops_influx_points_written_total"])
        : null;
    return new LoadReport(
        target, published, options.DurationSeconds, options.Qos, options.Devices,
        sent, publisher.Failed - failedBefore, accepted,
        (long)(after["cityops_ingest_rejected_total"] - before["cityops_ingest_rejected_total"]),
        stored, options.Qos == 1 ? Math.Max(0, sent - accepted) : sent - accepted,
        accepted / Math.Max(elapsed, options.DurationSeconds),
        after.LagPercentileMs(before, 0.50), after.LagPercentileMs(before, 0.95), after.LagPercentileMs(before, 0.99), after.LagMaxBoundMs(before),
        watcher.Published, cases.Count, watcher.Method, Percentile(0.5), Percentile(0.99), cases.Count == 0 ? null : cases[^1],
        cpu, cpu / elapsed, peakMemory / (1024 * 1024));
}
