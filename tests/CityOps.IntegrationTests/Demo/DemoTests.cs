using System.Globalization;
using CityOps.Tests.Infrastructure;
using CityOps.Tests.Integration;
using Xunit.Abstractions;

namespace CityOps.Tests.Demo;

/// <summary><c>--demo</c> as a newcomer runs it: cases appear within a minute, one console line each.</summary>
public sealed class DemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_city_raises_cases_within_a_minute_and_prints_them()
    {
        using var data = new TempFolder();
        await using var app = new CityOpsProcess(data.Path, new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        }, "--demo");
        await app.StartAsync();

        // The knocked cover (at 15 s, reporting every 30 s) and the speeding truck (at 10 s, for 30 s) are due within a minute.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Raised(System.Text.Json.Nodes.JsonArray cases, string device, string rule) =>
            cases.Any(c => (string?)c!["deviceId"] == device && (string?)c["ruleId"] == rule);
        var cases = await Devices.CasesAsync(app.Http, "pageSize=200");
        while (!(Raised(cases, "MH-0042", "manhole-tilt") && Raised(cases, "VH-0003", "vehicle-speeding")) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250);
            cases = await Devices.CasesAsync(app.Http, "pageSize=200");
        }

        output.WriteLine($"{cases.Count} cases after {clock.Elapsed.TotalSeconds:0} s: {string.Join(", ", cases.Select(c => $"{c!["deviceId"]}/{c["ruleId"]}"))}");
        Assert.True(Raised(cases, "MH-0042", "manhole-tilt"), app.Tail());
        Assert.True(Raised(cases, "VH-0003", "vehicle-speeding"), app.Tail());
        Assert.All(cases, c => Assert.Matches("^410702[0-9]{9}$", (string?)c!["grid"]));
        Assert.Contains("井盖倾斜", app.Log, StringComparison.Ordinal);
        Assert.Contains("518 devices", app.Log, StringComparison.Ordinal);
    }
}
