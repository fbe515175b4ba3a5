using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// Budget and figures of one fuzz run: how many inputs (<c>CITYOPS_FUZZ_ITERATIONS</c> overrides the fast CI
/// default, e.g. 1000000 for a benchmark run), the slowest input, the most any input allocated, the process's
/// peak working set, and how the inputs ended (accepted, or rejected by reason).
/// </summary>
public sealed class FuzzRun(string name, int defaultIterations)
{
    public const string IterationsVariable = "CITYOPS_FUZZ_ITERATIONS";

    /// <summary>
    /// The time one input may take before it counts as a hang (an exponential blow-up, a loop). A guard, not a speed
    /// target: far above any real time, so a loaded machine never fails it; speed is what the benchmark run of the
    /// fuzzers reports (docs/reliability.md), with the slowest input of every run printed.
    /// </summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly Stopwatch _total = new();
    private readonly Stopwatch _one = new();
    private long _allocatedBefore;

    public int Iterations { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : defaultIterations;

    public long Inputs { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public long MostAllocated { get; private set; }

    public TimeSpan Elapsed => _total.Elapsed;

    public IReadOnlyDictionary<string, long> Outcomes => _outcomes;

    /// <summary>Call right before handing one input to the parser.</summary>
    public void Begin()
    {
        _total.Start();
        _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        _one.Restart();
    }

    /// <summary>Call right after; <paramref name="outcome"/> is "accepted" or the reject reason.</summary>
    public (TimeSpan Took, long Allocated) End(string outcome)
    {
        _one.Stop();
        _total.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
        Inputs++;
        Slowest = _one.Elapsed > Slowest ? _one.Elapsed : Slowest;
        MostAllocated = Math.Max(MostAllocated, allocated);
        _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
        return (_one.Elapsed, allocated);
    }

    public string Summary()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{name}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:0.0} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9):N0}/s); ");
        text.Append(CultureInfo.InvariantCulture, $"slowest input {Slowest.TotalMilliseconds:0.0} ms; most allocated by one input {MostAllocated / 1024.0:N0} KiB; ");
        text.Append(CultureInfo.InvariantCulture, $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):N0} MiB; outcomes: ");
        text.AppendJoin(", ", _outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value:N0}"));
        return text.ToString();
    }
}
