using System.Globalization;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// The load generator the benchmarks' figures rest on (bench/CityOps.LoadTest), run against a real CityOps with both of
/// its publishers: every reading it counts as sent was acknowledged by the embedded broker and accepted by CityOps, and
/// its threshold crossings raise their cases.
/// </summary>
public sealed class LoadGeneratorTests(InteropCityFixture city) : IClassFixture<InteropCityFixture>
{
    [Theory]
    [InlineData("--raw")]
    [InlineData("")]
    public async Task Every_reading_the_load_generator_sends_is_accepted(string publisher)
    {
        var generator = Path.Combine(RepoPaths.Root, "bench", "CityOps.LoadTest", "bin",
            AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "CityOps.LoadTest.dll");
        string[] arguments = [generator, "--broker", $"127.0.0.1:{city.Port}", "--api", city.App.Http.BaseAddress!.ToString(),
            "--devices", "300", "--rate", "2000", "--duration", "3", "--crossings", "2", .. publisher.Length > 0 ? new[] { publisher } : []];
        var run = await ExternalClient.RunAsync("dotnet", arguments, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.ToString());

        // The report's row (after the header, its first field the rate): rate, sent/s, sent, accepted, lost, ..., cases "seen/published".
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        var header = Array.FindIndex(lines, l => l.StartsWith("rate", StringComparison.Ordinal) && l.Contains("sent/s", StringComparison.Ordinal));
        var row = lines.Skip(header + 1).First(l => l.StartsWith("2000 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var sent = long.Parse(row[2], CultureInfo.InvariantCulture);
        Assert.InRange(sent, 2000 * 3 * 9 / 10, 2000 * 3 + 10);
        Assert.Equal(row[2], row[3]);
        Assert.Equal("0", row[4]);
        Assert.Equal("6/6", row[11]); // 2 crossings a second for 3 s, each with its case
    }
}
