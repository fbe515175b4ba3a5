using CityOps.Grains.Devices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Grains;

public class AutoProvisionGateTests
{
    private static (AutoProvisionGate Gate, FakeTimeProvider Time) Gate(double perSecond, int burst, int total)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero));
        var options = new DevicesOptions { AutoProvisionPerSecond = perSecond, AutoProvisionBurst = burst, MaxAutoProvisioned = total };
        return (new AutoProvisionGate(Options.Create(options), time), time);
    }

    [Fact]
    public void New_devices_beyond_the_burst_are_refused_until_the_rate_refills_it()
    {
        var (gate, time) = Gate(perSecond: 2, burst: 5, total: 1000);

        var first = Enumerable.Range(0, 8).Select(_ => gate.TryAdmit()).ToList();

        Assert.Equal(5, first.Count(r => r is null));
        Assert.All(first.Skip(5), r => Assert.Equal(AutoProvisionRefusals.Rate, r));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(gate.TryAdmit());
        Assert.Null(gate.TryAdmit());
        Assert.Equal(AutoProvisionRefusals.Rate, gate.TryAdmit());
        Assert.Equal(7, gate.Admitted);
    }

    [Fact]
    public void No_device_is_auto_provisioned_beyond_the_total()
    {
        var (gate, time) = Gate(perSecond: 1000, burst: 1000, total: 3);

        var results = Enumerable.Range(0, 5).Select(_ => gate.TryAdmit()).ToList();
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, results.Count(r => r is null));
        Assert.Equal(AutoProvisionRefusals.Total, results[4]);
        Assert.Equal(AutoProvisionRefusals.Total, gate.TryAdmit());
    }

    [Fact]
    public void Limits_that_cannot_work_are_refused_at_start()
    {
        var problems = new CityOps.Grains.Configuration.OptionsProblems(DevicesOptions.Section);
        DevicesOptions.Check(new DevicesOptions { AutoProvisionPerSecond = 0, AutoProvisionBurst = 0, MaxAutoProvisioned = -1, MaxMetricsPerDevice = 0, OfflineCaseAfterReadings = -1 }, problems);

        Assert.Equal(5, problems.Lines.Count);
    }
}
