using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using CityOps.Grains;

namespace CityOps.Benchmarks;

/// <summary>
/// One reading through an active device grain in a one-silo cluster (shipped rules, SQLite storage): the
/// grain call, dedup, every waterlog rule, no state change to persist (depth stays under every threshold).
/// </summary>
[MemoryDiagnoser]
public class DeviceGrainBenchmarks
{
    private SiloHost _silo = null!;
    private IDeviceGrain _gauge = null!;
    private long _seq;
    private long _ts;

    [GlobalSetup]
    public async Task Setup()
    {
        _silo = await SiloHost.StartAsync();
        _gauge = _silo.Grains.GetGrain<IDeviceGrain>("WL-BENCH");
        _ts = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        await _gauge.Ingest([Reading()]);
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _silo.DisposeAsync();

    [Benchmark]
    public async Task<int> One_reading_through_a_device_grain() => (await _gauge.Ingest([Reading()])).Evaluated;

    private Reading Reading() =>
        new("WL-BENCH", "waterlog", _ts + (++_seq * 1000), _seq, ImmutableArray.Create(new Metric("depth_cm", 3 + (_seq % 5)), new Metric("battery_pct", 80)));
}
