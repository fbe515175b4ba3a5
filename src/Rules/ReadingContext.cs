using System.Collections.Frozen;

namespace CityOps.Rules;

/// <summary>
/// One reading as compiled rules see it: metric values by slot (<see cref="DeviceKind.SlotOf"/>, NaN when absent or outside
/// the kind's physical range: such a value is kept apart (<see cref="OutOfRange"/>) for <c>range:</c> faults), time,
/// position, the device's numeric attributes, its recent history and the zones in force. The device grain keeps one per
/// device and refills it for each reading, so judging allocates nothing.
/// </summary>
public sealed class ReadingContext
{
    private static readonly FrozenDictionary<string, double> _noAttributes = FrozenDictionary<string, double>.Empty;

    // By slot, a value of this reading outside the kind's physical range; made by the first such value (most devices never send one).
    private double[]? _outOfRange;

    public ReadingContext(DeviceKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        DeviceKind = kind;
        Values = new double[kind.Metrics.Length];
        History = new MetricHistory(Values.Length);
        Array.Fill(Values, double.NaN);
    }

    public DeviceKind DeviceKind { get; }

    public string Kind => DeviceKind.Name;

    public double[] Values { get; }

    /// <summary>A value of this reading for <paramref name="slot"/> outside the kind's physical range (it cannot have been measured); NaN otherwise.</summary>
    public double OutOfRange(int slot) => _outOfRange is { } values ? values[slot] : double.NaN;

    public DateTimeOffset At { get; set; }

    /// <summary>WGS84 position of the device at this reading; NaN when unknown.</summary>
    public double Latitude { get; set; } = double.NaN;

    public double Longitude { get; set; } = double.NaN;

    public bool HasPosition => double.IsFinite(Latitude) && double.IsFinite(Longitude);

    /// <summary>The device's attributes that are numbers, by name without the <c>device.</c> prefix.</summary>
    public IReadOnlyDictionary<string, double> Attributes { get; set; } = _noAttributes;

    public MetricHistory History { get; }

    public IZoneLookup Zones { get; set; } = NoZones.Instance;

    /// <summary>Starts a new reading: every metric absent until <see cref="Set"/>.</summary>
    public void Begin(DateTimeOffset at)
    {
        At = at;
        Array.Fill(Values, double.NaN);
        if (_outOfRange is { } outOfRange)
        {
            Array.Fill(outOfRange, double.NaN);
        }
    }

    /// <summary>
    /// Sets a metric by name; false when the kind has no such metric (it is then ignored by rules). A value outside the
    /// kind's physical range goes to <see cref="OutOfRange"/> only: to every other rule, and to the history, it is absent.
    /// </summary>
    public bool Set(string metric, double value)
    {
        var slot = DeviceKind.SlotOf(metric);
        if (slot < 0)
        {
            return false;
        }

        if (value < DeviceKind.Min[slot] || value > DeviceKind.Max[slot])
        {
            if (_outOfRange is null)
            {
                _outOfRange = new double[Values.Length];
                Array.Fill(_outOfRange, double.NaN);
            }

            _outOfRange[slot] = value;
        }
        else
        {
            Values[slot] = value;
        }

        return true;
    }

    public double Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : double.NaN;

    /// <summary>The device attributes that parse as numbers (invariant culture), for <c>device.*</c> in expressions.</summary>
    public static IReadOnlyDictionary<string, double> NumericAttributes(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, text) in attributes)
        {
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                numbers[name] = value;
            }
        }

        return numbers.Count == 0 ? _noAttributes : numbers.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
