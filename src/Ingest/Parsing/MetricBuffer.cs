using System.Buffers;
using System.Collections.Immutable;
using CityOps.Grains;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// Scratch list of one reading's metrics, backed by a pooled array so parsing allocates only the final
/// <see cref="ImmutableArray{T}"/>. A mutable struct: always pass it by <c>ref</c>.
/// </summary>
internal struct MetricBuffer : IDisposable
{
    private Metric[] _items;
    private int _count;
    private int _used;

    public MetricBuffer(int initialCapacity)
    {
        _items = ArrayPool<Metric>.Shared.Rent(initialCapacity);
    }

    public readonly int Count => _count;

    public readonly ReadOnlySpan<Metric> Items => _items.AsSpan(0, _count);

    public void Clear() => _count = 0;

    /// <summary>Adds a metric; a name already present is overwritten, so the last duplicate key wins.</summary>
    /// <returns>False when <paramref name="maxCount"/> distinct names are already held.</returns>
    public bool Set(string name, double value, int maxCount)
    {
        // Linear search: readings carry a handful of metrics and maxCount bounds the worst case.
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.Ordinal))
            {
                _items[i] = new Metric(name, value);
                return true;
            }
        }

        if (_count >= maxCount)
        {
            return false;
        }

        if (_count == _items.Length)
        {
            var larger = ArrayPool<Metric>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, _count).CopyTo(larger);
            Release(_items, _used);
            _items = larger;
        }

        _items[_count++] = new Metric(name, value);
        _used = Math.Max(_used, _count);
        return true;
    }

    public readonly ImmutableArray<Metric> ToImmutableArray() => ImmutableArray.Create<Metric>(_items.AsSpan(0, _count));

    public void Dispose()
    {
        Release(_items, _used);
        _items = [];
        _count = 0;
        _used = 0;
    }

    private static void Release(Metric[] items, int used)
    {
        if (items.Length == 0)
        {
            return;
        }

        // Pooled arrays outlive this parse; clear the names so they do not keep strings alive.
        Array.Clear(items, 0, used);
        ArrayPool<Metric>.Shared.Return(items);
    }
}
