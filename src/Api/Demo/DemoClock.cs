namespace CityOps.Api.Demo;

/// <summary>
/// The clock of a demo played faster than real time (<see cref="DemoOptions.Speed"/>): it starts at the wall clock's
/// time and runs <c>speed</c> times as fast, and its timers fire <c>speed</c> times as often. CityOps' own logic reads it
/// (the keyed <see cref="Grains.CityOpsTime"/> clock: rules' <c>for:</c>, offline windows, deadlines) and the simulator
/// stamps its readings with it, so a rule that waits five minutes waits five demo minutes.
/// </summary>
public sealed class DemoClock : TimeProvider
{
    private readonly TimeProvider _wall;
    private readonly double _speed;
    private readonly DateTimeOffset _startedAt;
    private readonly long _startedTicks;

    public DemoClock(TimeProvider wall, double speed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(speed, 1);
        _wall = wall;
        _speed = speed;
        _startedAt = wall.GetUtcNow();
        _startedTicks = wall.GetTimestamp();
    }

    public override TimeZoneInfo LocalTimeZone => _wall.LocalTimeZone;

    public override long TimestampFrequency => _wall.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _startedAt + (_wall.GetElapsedTime(_startedTicks) * _speed);

    public override long GetTimestamp() => _startedTicks + (long)((_wall.GetTimestamp() - _startedTicks) * _speed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new Timer(this, _wall.CreateTimer(callback, state, ToWall(dueTime), ToWall(period)));

    private TimeSpan ToWall(TimeSpan demo) => demo == Timeout.InfiniteTimeSpan ? demo : demo / _speed;

    private sealed class Timer(DemoClock clock, ITimer wall) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => wall.Change(clock.ToWall(dueTime), clock.ToWall(period));

        public void Dispose() => wall.Dispose();

        public ValueTask DisposeAsync() => wall.DisposeAsync();
    }
}
