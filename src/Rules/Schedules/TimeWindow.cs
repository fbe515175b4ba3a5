namespace CityOps.Rules.Schedules;

/// <summary>
/// <c>when: { between: "20:00-04:30", days: [mon, tue] }</c>: local time of day from <see cref="Start"/> to
/// <see cref="End"/> (crossing midnight when End is not after Start) on the days of <see cref="DayMask"/>
/// (bit <c>1 &lt;&lt; (int)DayOfWeek</c>), in <see cref="Zone"/>. A window crossing midnight belongs to the day it
/// starts: Friday 20:00-04:30 includes Saturday 03:00.
/// </summary>
public sealed record TimeWindow(TimeSpan Start, TimeSpan End, int DayMask, TimeZoneInfo Zone)
{
    public const int EveryDay = 0x7F;

    /// <summary>Whether <paramref name="at"/> falls inside the window. Allocation-free.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        var time = local.TimeOfDay;
        if (Start < End)
        {
            return time >= Start && time < End && On(local.DayOfWeek);
        }

        // Crossing midnight: the evening part belongs to today, the early part to the day before.
        return time >= Start ? On(local.DayOfWeek) : time < End && On((DayOfWeek)(((int)local.DayOfWeek + 6) % 7));
    }

    private bool On(DayOfWeek day) => (DayMask & (1 << (int)day)) != 0;
}
