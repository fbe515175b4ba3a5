using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using CityOps.Grains;
using CityOps.Ingest;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Influx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.Benchmarks;

/// <summary>
/// One dispatcher round through active device grains in a one-silo cluster (shipped rules, SQLite storage, no InfluxDB):
/// the grouping by device, one grain call per device, the round's bookkeeping. A round of one message is what the
/// dispatcher mostly sees at a few thousand readings a second; sixteen messages of sixteen devices, a busier one.
/// The memory diagnoser counts what every thread allocated, Orleans' messaging included.
/// </summary>
[MemoryDiagnoser]
public class ReadingDispatcherBenchmarks
{
    private const int Devices = 16;
    private SiloHost _silo = null!;
    private Func<IngestMessage[], Task<Task>> _deliver = null!; // a dispatcher never started: nothing of it to dispose
    private long _seq;
    private long _ts;

    [GlobalSetup]
    public async Task Setup()
    {
        _silo = await SiloHost.StartAsync();
#pragma warning disable CA2000 // see _deliver
        var dispatcher = new ReadingDispatcher(
            new IngestChannel(4), _silo.Grains, NoTelemetryWriter.Instance, new DeadLetterQueue(), new RegisteredKinds(_silo.Grains, TimeProvider.System),
            _silo.LocalDevices,
            Options.Create(new MqttOptions()), TimeProvider.System, NullLogger<ReadingDispatcher>.Instance);
#pragma warning restore CA2000
        _deliver = round => dispatcher.DeliverAsync(round, default);
        _ts = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        await await _deliver(Round(Devices)); // activates the devices
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _silo.DisposeAsync();

    [Benchmark]
    public async Task Round_of_one_message() => await await _deliver(Round(1));

    [Benchmark(OperationsPerInvoke = Devices)]
    public async Task Round_of_sixteen_devices_per_message() => await await _deliver(Round(Devices));

    private IngestMessage[] Round(int devices)
    {
        var seq = ++_seq;
        var round = new IngestMessage[devices];
        for (var i = 0; i < devices; i++)
        {
            round[i] = new IngestMessage(
                [new Reading($"WL-DISPATCH-{i}", "waterlog", _ts + (seq * 1000), seq, ImmutableArray.Create(new Metric("depth_cm", 3 + (seq % 5))))], null);
        }

        return round;
    }
}
