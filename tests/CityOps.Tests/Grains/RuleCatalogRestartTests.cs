using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Grains;

/// <summary>
/// A rule set an engineer put in force through the API survives a restart of the node: the unchanged rule folder does not
/// win it back. A folder edited while the node was down does.
/// </summary>
public sealed class RuleCatalogRestartTests : IDisposable
{
    private const string FolderRule = """
        rules:
          - id: manhole-tilt
            kind: manhole
            metric: tilt_deg
            levels: [ { severity: yellow, above: 10 } ]
            case: { code: "0112", title: "井盖倾斜 {value}°" }
        """;

    private readonly TempFolder _folder = new("rule-restart");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 20, 8, 0, 0, TimeSpan.Zero));

    private string RulesPath => _folder.Combine("rules");

    public RuleCatalogRestartTests()
    {
        Directory.CreateDirectory(RulesPath);
        File.WriteAllText(Path.Combine(RulesPath, "manhole.yaml"), FolderRule);
    }

    // A node start: a new catalog on the same database and folder.
    private async Task<RuleCatalog> StartAsync(StoreDatabase db)
    {
        var catalog = new RuleCatalog(new DbRuleVersionStore(db), Options.Create(new RulesOptions { Path = RulesPath }), _time,
            NullLogger<RuleCatalog>.Instance, new ZoneMap(new DbZoneStore(db)), ShippedKinds.Catalog);
        await catalog.LoadAsync();
        return catalog;
    }

    [Fact]
    public async Task Rules_put_through_the_api_stay_in_force_after_a_restart_with_the_folder_unchanged()
    {
        using var db = StoreDatabase.Sqlite(_folder.Combine("cityops.db"));
        using (var first = await StartAsync(db))
        {
            Assert.Equal(1, first.Current.Version);
            var errors = await first.ApplyAsync(new Dictionary<string, string> { ["manhole.yaml"] = FolderRule.Replace("above: 10", "above: 20", StringComparison.Ordinal) }, "engineer-li");
            Assert.Empty(errors);
            Assert.Equal(2, first.Current.Version);
        }

        using var restarted = await StartAsync(db);
        Assert.Equal((2, "engineer-li"), (restarted.Current.Version, restarted.Current.Author));
    }

    [Fact]
    public async Task A_rule_folder_edited_while_the_node_was_down_becomes_the_rule_set()
    {
        using var db = StoreDatabase.Sqlite(_folder.Combine("cityops.db"));
        using (var first = await StartAsync(db))
        {
            Assert.Empty(await first.ApplyAsync(new Dictionary<string, string> { ["manhole.yaml"] = FolderRule.Replace("above: 10", "above: 20", StringComparison.Ordinal) }, "engineer-li"));
        }

        await File.WriteAllTextAsync(Path.Combine(RulesPath, "manhole.yaml"), FolderRule.Replace("above: 10", "above: 12", StringComparison.Ordinal));
        using var restarted = await StartAsync(db);
        Assert.Equal((3, "file"), (restarted.Current.Version, restarted.Current.Author));
    }

    public void Dispose() => _folder.Dispose();
}
