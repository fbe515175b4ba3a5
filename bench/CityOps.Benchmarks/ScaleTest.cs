using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using CityOps.Grains;

namespace CityOps.Benchmarks;

/// <summary>
/// Activates N device grains on one silo, each by its first reading (auto-provisioned, judged by the shipped
/// rules, registered in the directory), and reports activation rate and memory per device:
/// <c>dotnet run -c Release --project bench/CityOps.Benchmarks -- scale-devices 1000000</c>.
/// With <c>--hold</c> it keeps the silo up afterwards (until killed), so the heap can be inspected,
/// e.g. <c>createdump --full PID</c> and a heap census.
/// </summary>
public static class ScaleTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
        await using var silo = await SiloHost.StartAsync();
        var grains = silo.Grains;
        await grains.GetGrain<IDeviceGrain>("warm-up").Ingest([Reading("warm-up", 0)]);
        Console.WriteLine(GcSettings());
        var before = Measure();
        Console.WriteLine($"before: managed {before.Managed:N0} MB, working set {before.WorkingSet:N0} MB");
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var clock = Stopwatch.StartNew();
        const int inFlight = 2_000;
        var next = 0;
        var reported = 0;
        async Task Worker()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next) - 1;
                if (i >= count)
                {
                    return;
                }

                var id = "SC-" + i.ToString(CultureInfo.InvariantCulture);
                await grains.GetGrain<IDeviceGrain>(id).Ingest([Reading(id, i)]);
                if (i > 0 && i % 100_000 == 0 && Interlocked.Exchange(ref reported, i) < i)
                {
                    var m = Measure(collect: false);
                    Console.WriteLine($"{i:N0} devices after {clock.Elapsed.TotalSeconds:0} s: working set {m.WorkingSet:N0} MB");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Worker)));
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var after = Measure();
        Console.WriteLine($"{count:N0} devices active in {elapsed.TotalSeconds:0.0} s ({count / elapsed.TotalSeconds:N0} activations/s, first reading judged and persisted), {cpu.TotalMicroseconds / count:N0} µs CPU per activation");
        Console.WriteLine($"after: managed {after.Managed:N0} MB, working set {after.WorkingSet:N0} MB");
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine($"GC heap {gc.HeapSizeBytes >> 20:N0} MB, fragmented {gc.FragmentedBytes >> 20:N0} MB, committed {gc.TotalCommittedBytes >> 20:N0} MB");
        await Task.Delay(TimeSpan.FromSeconds(30));
        var settled = Measure();
        Console.WriteLine($"30 s later: managed {settled.Managed:N0} MB, working set {settled.WorkingSet:N0} MB, GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20:N0} MB");
        Console.WriteLine($"per device: managed {(after.Managed - before.Managed) * 1024.0 * 1024 / count:N0} B, working set {(after.WorkingSet - before.WorkingSet) * 1024.0 * 1024 / count:N0} B");
        Console.WriteLine($"peak working set while active {PeakWorkingSet():N0} MB");
        if (args.Contains("--hold"))
        {
            Console.WriteLine($"holding, pid {Environment.ProcessId}");
            await Task.Delay(Timeout.Infinite);
        }

        // Stopping deactivates every grain, and each writes its state (liveness is written lazily): the process's highest point.
        clock.Restart();
        await silo.DisposeAsync();
        Console.WriteLine($"silo stopped in {clock.Elapsed.TotalSeconds:0} s; peak working set of the whole run {PeakWorkingSet():N0} MB");
        return 0;
    }

    private static Reading Reading(string id, int i) =>
        new(id, (i % 4) switch { 0 => "waterlog", 1 => "manhole", 2 => "streetlight", _ => "vehicle" },
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), 1,
            (i % 4) switch
            {
                0 => ImmutableArray.Create(new Metric("depth_cm", 3), new Metric("battery_pct", 80)),
                1 => ImmutableArray.Create(new Metric("tilt_deg", 1), new Metric("battery_pct", 80)),
                2 => ImmutableArray.Create(new Metric("on", 0), new Metric("voltage_v", 221)),
                _ => ImmutableArray.Create(new Metric("speed_kmh", 30)),
            },
            i % 4 == 3 ? 35.30 : null, i % 4 == 3 ? 113.93 : null);

    // The GC settings in effect: the ones CityOps ships (src/Api/GarbageCollection.props, imported here too) unless overridden by DOTNET_GC* variables.
    private static string GcSettings()
    {
        string[] shown = ["ServerGC", "ConcurrentGC", "HeapCount", "Adaptation", "Conserve", "HardLimit"];
        return "GC: " + string.Join(", ", GC.GetConfigurationVariables()
            .Where(c => shown.Any(s => c.Key.Contains(s, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}={c.Value}")));
    }

    private static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 >> 20;
    }

    private static (long Managed, long WorkingSet) Measure(bool collect = true)
    {
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(false) / (1024 * 1024), process.WorkingSet64 / (1024 * 1024));
    }
}
