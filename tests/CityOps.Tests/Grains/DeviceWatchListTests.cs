using CityOps.Grains.Devices;

namespace CityOps.Tests.Grains;

/// <summary>The silo's list of when each device needs a time-based check: never late, and quiet while a device publishes.</summary>
public sealed class DeviceWatchListTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_earlier_time_replaces_the_one_held_and_a_later_one_waits_until_the_held_time_has_passed()
    {
        var watch = new DeviceWatchList();
        watch.Set("d1", Now.AddMinutes(10), Now);

        watch.Set("d1", Now.AddMinutes(12), Now.AddMinutes(1)); // a reading moved the window: the held time still stands
        Assert.Empty(watch.Due(Now.AddMinutes(9)));
        Assert.Equal(["d1"], watch.Due(Now.AddMinutes(10))); // asked early, never late

        watch.Set("d1", Now.AddMinutes(5), Now.AddMinutes(2)); // earlier: replaces at once
        Assert.Equal(["d1"], watch.Due(Now.AddMinutes(5)));

        watch.Set("d1", Now.AddMinutes(20), Now.AddMinutes(6)); // the held time passed (the sweeper's check): replaced
        Assert.Empty(watch.Due(Now.AddMinutes(19)));
        Assert.Equal(["d1"], watch.Due(Now.AddMinutes(20)));
    }

    [Fact]
    public void A_device_with_nothing_due_is_never_listed_and_a_removed_one_is_forgotten()
    {
        var watch = new DeviceWatchList();
        watch.Set("d1", DateTimeOffset.MaxValue, Now);
        watch.Set("d2", Now, Now);

        Assert.Equal(["d2"], watch.Due(Now.AddYears(100)));
        watch.Remove("d2");
        Assert.Equal(1, watch.Count);
        Assert.Equal(["d1"], watch.Due(Now, all: true));
    }

    [Fact]
    public void Set_answers_the_time_it_holds_and_Keeps_tells_beforehand_whether_a_call_would_change_it()
    {
        var watch = new DeviceWatchList();
        Assert.False(DeviceWatchList.Keeps(0, Now.AddMinutes(10), Now)); // nothing held yet: the device always asks
        var held = watch.Set("d1", Now.AddMinutes(10), Now);
        Assert.Equal(Now.AddMinutes(10).ToUnixTimeMilliseconds(), held);

        // A later time before the held one has passed: kept, and Keeps says so without asking.
        Assert.True(DeviceWatchList.Keeps(held, Now.AddMinutes(12), Now.AddMinutes(1)));
        Assert.Equal(held, watch.Set("d1", Now.AddMinutes(12), Now.AddMinutes(1)));

        // An earlier time, or any time once the held one has passed: replaced, and Keeps says the device must ask.
        Assert.False(DeviceWatchList.Keeps(held, Now.AddMinutes(5), Now.AddMinutes(2)));
        held = watch.Set("d1", Now.AddMinutes(5), Now.AddMinutes(2));
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeMilliseconds(), held);
        Assert.False(DeviceWatchList.Keeps(held, Now.AddMinutes(20), Now.AddMinutes(5)));
        Assert.Equal(DeviceWatchList.At(DateTimeOffset.MaxValue), watch.Set("d1", DateTimeOffset.MaxValue, Now.AddMinutes(6)));
        Assert.Empty(watch.Due(Now.AddYears(100)));
    }
}
