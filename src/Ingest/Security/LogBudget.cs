namespace CityOps.Ingest.Security;

/// <summary>
/// At most <c>linesPerWindow</c> log lines per <c>window</c> for one kind of event an attacker can repeat at will
/// (refused connections: password guessers make hundreds a second); the rest are only counted, and the next line written
/// says how many were left out. The events themselves stay counted in full by their metric.
/// </summary>
public sealed class LogBudget(int linesPerWindow, TimeSpan window, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _windowStart = time.GetTimestamp();
    private int _lines;
    private long _unlogged;

    /// <summary>True when a line may be written now; <paramref name="unloggedBefore"/> is how many were left out since the last one.</summary>
    public bool TryTake(out long unloggedBefore)
    {
        lock (_lock)
        {
            if (time.GetElapsedTime(_windowStart) >= window)
            {
                _windowStart = time.GetTimestamp();
                _lines = 0;
            }

            if (_lines >= linesPerWindow)
            {
                _unlogged++;
                unloggedBefore = 0;
                return false;
            }

            _lines++;
            unloggedBefore = _unlogged;
            _unlogged = 0;
            return true;
        }
    }
}
