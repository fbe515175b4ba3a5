using CityOps.Api.Demo;
using CityOps.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Demo;

/// <summary><c>CityOps:Demo:Speed</c>: the demo's clock runs that many times as fast as the wall clock, timers too.</summary>
public sealed class DemoClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 7, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Starts_at_the_wall_clocks_time_and_runs_speed_times_as_fast()
    {
        var wall = new FakeTimeProvider(Start);
        var clock = new DemoClock(wall, 10);
        var began = clock.GetTimestamp();
        Assert.Equal(Start, clock.GetUtcNow());

        wall.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(Start.AddMinutes(5), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(5), clock.GetElapsedTime(began));
    }

    [Fact]
    public void Its_timers_fire_speed_times_as_often_and_their_changes_are_in_demo_time_too()
    {
        var wall = new FakeTimeProvider(Start);
        var clock = new DemoClock(wall, 10);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

        wall.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, fired);
        wall.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired);
        wall.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, fired);

        timer.Change(TimeSpan.FromSeconds(50), Timeout.InfiniteTimeSpan);
        wall.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(2, fired);
        wall.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, fired);
        wall.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, fired);
    }

    [Fact]
    public void The_demo_makes_it_cityops_clock_only_when_sped_up()
    {
        Assert.IsType<DemoClock>(CityOpsClock("10"));
        Assert.Same(TimeProvider.System, CityOpsClock(null));
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("61")]
    public async Task A_speed_outside_1_to_60_stops_start_up_naming_the_key(string speed)
    {
        using var host = Demo(speed).Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"CityOps:Demo:Speed = {speed}: must be 1-60 (times real time)", refused.Message, StringComparison.Ordinal);
    }

    private static TimeProvider CityOpsClock(string? speed)
    {
        using var host = Demo(speed).Build();
        return host.Services.GetRequiredKeyedService<TimeProvider>(CityOpsTime.Key);
    }

    private static HostApplicationBuilder Demo(string? speed)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (speed is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CityOps:Demo:Speed"] = speed });
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddKeyedSingleton<TimeProvider>(CityOpsTime.Key, (sp, _) => sp.GetRequiredService<TimeProvider>());
        builder.AddCityOpsDemo();
        // Only its options and clock: the simulator itself needs a whole CityOps.
        builder.Services.Remove(builder.Services.Single(d => d.ImplementationType == typeof(DemoCity)));
        return builder;
    }
}
