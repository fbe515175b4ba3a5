using CityOps.Grains.Routing;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Cases;

public sealed class RoutingCatalogTests
{
    private static readonly DateTimeOffset At = new(2026, 7, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Edited_routing_file_is_reloaded_and_a_broken_one_keeps_the_routing_in_force()
    {
        using var folder = new TempFolder("routing");
        var path = folder.Combine("routing.yaml");
        Directory.CreateDirectory(folder.Path);
        await File.WriteAllTextAsync(path, "routes:\n  - code: \"0102\"\n    unit: first-unit\n");
        using var catalog = new RoutingCatalog(Options.Create(new RoutingOptions { Path = path }), NullLogger<RoutingCatalog>.Instance);
        Assert.Equal("first-unit", catalog.Current.Decide("0102", null, null, At).Unit);

        await File.WriteAllTextAsync(path, "routes:\n  - code: \"0102\"\n    unit: second-unit\n    deadline: 2h\n");
        await WaitUntil(() => catalog.Current.Decide("0102", null, null, At).Unit == "second-unit");
        Assert.Equal(At.AddHours(2), catalog.Current.Decide("0102", null, null, At).DueAt);

        await File.WriteAllTextAsync(path, "routes:\n  - code: \"0102\"\n    deadline: never\n");
        Assert.NotEmpty(catalog.Reload());
        Assert.Equal("second-unit", catalog.Current.Decide("0102", null, null, At).Unit);
    }

    [Fact]
    public void Missing_routing_file_means_built_in_defaults()
    {
        using var folder = new TempFolder("routing");
        using var catalog = new RoutingCatalog(Options.Create(new RoutingOptions { Path = folder.Combine("none.yaml") }), NullLogger<RoutingCatalog>.Instance);

        var decision = catalog.Current.Decide("0102", null, "grid-unit", At);

        Assert.Equal(("grid-unit", At.AddHours(6)), (decision.Unit, decision.DueAt));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // The watcher reacts within a second; allow for a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "routing file not reloaded within 10 s");
            await Task.Delay(50);
        }
    }
}
