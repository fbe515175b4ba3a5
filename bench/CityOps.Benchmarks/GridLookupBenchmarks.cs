using BenchmarkDotNet.Attributes;
using CityOps.Grains.Zones;

namespace CityOps.Benchmarks;

/// <summary>Placing a position in its unit grid (the demo city's 240 grids, an STR-tree of prepared polygons), as vehicles are placed per reading.</summary>
[MemoryDiagnoser]
public class GridLookupBenchmarks
{
    private ZoneSet _zones = null!;
    private int _i;

    [GlobalSetup]
    public void Setup() =>
        _zones = ZoneSet.Build(File.ReadAllText(Path.Combine(Repo.Root, "samples", "zones.geojson")), out _)
            ?? throw new InvalidOperationException("samples/zones.geojson did not load");

    [Benchmark]
    public string? Locate_inside_a_grid()
    {
        _i++;
        return _zones.Locate(35.2985 + (_i % 40) * 0.0002, 113.9215 + (_i % 50) * 0.0003)?.Code;
    }

    [Benchmark]
    public string? Locate_outside_every_grid() => _zones.Locate(36.5, 114.5)?.Code;
}
