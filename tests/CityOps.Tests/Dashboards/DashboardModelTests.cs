using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CityOps.Tests.Dashboards;

/// <summary>The dashboard files are Grafana models that load as provisioned: no Grafana needed.</summary>
public sealed class DashboardModelTests
{
    private static readonly string[] Panelless = ["row", "text"];

    [Fact]
    public void Folder_holds_the_seven_dashboards_with_unique_uids_and_titles()
    {
        Assert.Equal(
            ["cases.json", "engine.json", "flood-watch.json", "lifelines.json", "manhole-covers.json", "streetlights.json", "vehicles.json"],
            GrafanaDashboard.All.Select(d => d.File));
        Assert.Equal(GrafanaDashboard.All.Count, GrafanaDashboard.All.Select(d => d.Uid).Distinct().Count());
        Assert.Equal(GrafanaDashboard.All.Count, GrafanaDashboard.All.Select(d => d.Title).Distinct().Count());
    }

    [Fact]
    public void Dashboards_follow_the_kind_catalog_every_shipped_kind_is_shown_and_only_its_own_metrics()
    {
        string[] ownMeasurements = ["cases", "cases_open", "cityops", "cityops_rejected"];
        var kinds = CityOps.Tests.Rules.ShippedRules.Kinds;
        var read = GrafanaDashboard.All.ToDictionary(
            d => d.File,
            d => d.Queries().SelectMany(q => Regex.Matches(q.InfluxQl, "FROM \"([A-Za-z0-9_-]+)\"").Select(m => m.Groups[1].Value))
                .Where(m => !ownMeasurements.Contains(m)).ToHashSet(StringComparer.Ordinal));

        Assert.All(read.Values.SelectMany(m => m), kind => Assert.True(kinds.IsKnownKind(kind), $"a dashboard reads \"{kind}\", which is no configured kind"));
        Assert.Equal(kinds.Kinds.Order(), read.Values.SelectMany(m => m).Distinct().Order());
        Assert.Equal(kinds.Kinds.Except(CityOps.Rules.KindCatalog.Default.Kinds).Order(), read["lifelines.json"].Order());
        foreach (var query in GrafanaDashboard.Named("lifelines.json").Queries())
        {
            if (Regex.Match(query.InfluxQl, "FROM \"([a-z]+)\"") is { Success: true } from && kinds.Find(from.Groups[1].Value) is { } kind)
            {
                Assert.All(
                    Regex.Matches(query.InfluxQl, "(?:last|max)\\(\"([A-Za-z0-9_]+)\"\\)").Select(m => m.Groups[1].Value),
                    metric => Assert.True(kind.HasMetric(metric), $"{query}: {kind.Name} has no metric {metric}"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Dashboard_has_schema_version_uid_title_time_range_and_refresh(string file)
    {
        var dashboard = GrafanaDashboard.Named(file);
        Assert.InRange((int?)dashboard.Json["schemaVersion"] ?? 0, 36, 41);
        Assert.Matches("^[a-z0-9-]{1,40}$", dashboard.Uid);
        Assert.False(string.IsNullOrWhiteSpace(dashboard.Title));
        Assert.StartsWith("now-", (string?)dashboard.Json["time"]?["from"]);
        Assert.Equal("30s", (string?)dashboard.Json["refresh"]);
        Assert.Contains("cityops", dashboard.Json["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Panel_ids_are_unique_including_panels_inside_collapsed_rows(string file)
    {
        var panels = GrafanaDashboard.Named(file).Panels().ToList();
        var ids = panels.Select(p => (int?)p["id"]).ToList();
        Assert.All(ids, id => Assert.NotNull(id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(panels, p =>
        {
            var grid = p["gridPos"]!;
            Assert.InRange((int)grid["x"]! + (int)grid["w"]!, 1, 24);
            Assert.InRange((int)grid["h"]!, 1, 40);
        });
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Every_datasource_reference_is_the_provisioned_influxdb(string file)
    {
        var uids = GrafanaProvisioning.DataSourceUids;
        var dashboard = GrafanaDashboard.Named(file);
        Assert.All(dashboard.Panels().Where(p => (string?)p["type"] != "row"), p => Assert.NotNull(p["datasource"]));
        var references = DataSourceReferences(dashboard.Json).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, reference =>
        {
            var datasource = Assert.IsType<JsonObject>(reference);
            if ((string?)datasource["type"] == "grafana")
            {
                return; // Grafana's built-in annotations of the dashboard itself.
            }

            Assert.Equal("influxdb", (string?)datasource["type"]);
            Assert.Contains((string?)datasource["uid"] ?? "", uids);
        });
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Every_panel_queries_raw_influxql_within_a_time_range(string file)
    {
        foreach (var panel in GrafanaDashboard.Named(file).Panels().Where(p => !Panelless.Contains((string?)p["type"])))
        {
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.True(targets.Count > 0, $"panel \"{panel["title"]}\" has no query");
            Assert.Equal(targets.Count, targets.Select(t => (string?)t!["refId"]).Distinct().Count());
            foreach (var target in targets.Select(t => t!.AsObject()))
            {
                var query = (string?)target["query"] ?? "";
                Assert.True((bool?)target["rawQuery"] == true, $"panel \"{panel["title"]}\" {target["refId"]} is not a raw query");
                Assert.StartsWith("SELECT ", query);
                Assert.True(Bounded(query), $"panel \"{panel["title"]}\" {target["refId"]} reads without a time range: {query}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Variables_are_multi_value_and_all_also_matches_points_without_the_tag(string file)
    {
        var variables = GrafanaDashboard.Named(file).Variables().ToList();
        Assert.NotEmpty(variables);
        Assert.All(variables, v =>
        {
            Assert.Equal("query", (string?)v["type"]);
            Assert.StartsWith("SHOW TAG VALUES ", (string?)v["query"]);
            Assert.True((bool?)v["multi"] == true && (bool?)v["includeAll"] == true, $"${v["name"]} is not multi-value with All");

            // Grafana's default "All" lists every known value, which leaves out points that lack the tag
            // (a device outside every grid has no grid tag); ".*" matches those too.
            Assert.Equal(".*", (string?)v["allValue"]);
        });
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Template_variables_are_defined_and_used_only_inside_anchored_regexes(string file)
    {
        var dashboard = GrafanaDashboard.Named(file);
        var defined = dashboard.Variables().Select(v => (string)v["name"]!).ToHashSet(StringComparer.Ordinal);
        foreach (var query in dashboard.Queries())
        {
            foreach (var name in GrafanaTemplate.Names(query.InfluxQl).Where(n => n is not ("timeFilter" or "__interval")))
            {
                Assert.True(defined.Contains(name), $"{query}: ${name} is not a variable of the dashboard");

                // A multi-value variable expands to "(a|b)" or ".*": only a regex match keeps that valid InfluxQL.
                var uses = Regex.Count(query.InfluxQl, Regex.Escape("$" + name) + @"\b");
                var anchored = Regex.Count(query.InfluxQl, "=~ /\\^" + Regex.Escape("$" + name) + "\\$/");
                Assert.True(uses == anchored, $"{query}: ${name} used outside =~ /^${name}$/");
            }
        }
    }

    [Theory]
    [MemberData(nameof(GrafanaDashboard.Files), MemberType = typeof(GrafanaDashboard))]
    public void Case_annotations_read_the_cases_measurement_in_the_time_range(string file)
    {
        foreach (var annotation in GrafanaDashboard.Named(file).Annotations())
        {
            var query = (string?)annotation["target"]?["query"] ?? "";
            Assert.Equal(query, (string?)annotation["query"]);
            Assert.Contains("FROM \"cases\" WHERE $timeFilter", query, StringComparison.Ordinal);
            Assert.Equal("title", (string?)annotation["textColumn"]);
        }
    }

    [Fact]
    public void Data_source_is_influxql_on_the_cityops_database_with_its_url_from_the_environment()
    {
        var source = Assert.Single(GrafanaProvisioning.DataSources);
        Assert.Equal("cityops-influx", GrafanaProvisioning.Scalar(source, "uid"));
        Assert.Equal("influxdb", GrafanaProvisioning.Scalar(source, "type"));
        Assert.Equal("cityops", GrafanaProvisioning.Scalar(source, "jsonData", "dbName"));
        Assert.Equal("InfluxQL", GrafanaProvisioning.Scalar(source, "jsonData", "version"));
        Assert.Equal("${CITYOPS_INFLUX_URL}", GrafanaProvisioning.Scalar(source, "url"));

        var environment = File.ReadAllLines(Path.Combine(GrafanaDashboard.Folder, "..", "grafana.env"));
        Assert.Contains(environment, line => Regex.IsMatch(line, "^CITYOPS_INFLUX_URL=http://"));
    }

    [Fact]
    public void Dashboard_provider_loads_the_folder_the_readme_names()
    {
        var provider = Assert.Single(GrafanaProvisioning.DashboardProviders);
        var path = GrafanaProvisioning.Scalar(provider, "options", "path");
        Assert.Equal("file", GrafanaProvisioning.Scalar(provider, "type"));
        Assert.Equal("/var/lib/grafana/dashboards/cityops", path);

        var readme = File.ReadAllText(Path.Combine(Infrastructure.RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Watching it in Grafana", StringComparison.Ordinal)..];
        Assert.Contains(path, section, StringComparison.Ordinal);
        Assert.Contains("dashboards/cityops", section, StringComparison.Ordinal);
        Assert.Contains("/etc/grafana/provisioning", section, StringComparison.Ordinal);
        Assert.Contains("CITYOPS_INFLUX_URL", section, StringComparison.Ordinal);
        Assert.All(GrafanaDashboard.All, d => Assert.Contains(d.File, section, StringComparison.Ordinal));
    }

    /// <summary>Grafana's <c>$timeFilter</c>, or a fixed look-back for panels that must see further than the picker.</summary>
    private static bool Bounded(string query) =>
        query.Contains("$timeFilter", StringComparison.Ordinal) || query.Contains("time > now() - ", StringComparison.Ordinal);

    private static IEnumerable<JsonNode?> DataSourceReferences(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "datasource")
                    {
                        yield return value;
                    }
                    else
                    {
                        foreach (var inner in DataSourceReferences(value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var inner in array.SelectMany(DataSourceReferences))
                {
                    yield return inner;
                }

                break;
        }
    }
}
