using CityOps.Api.Demo;
using Xunit.Abstractions;

namespace CityOps.Tests.Dashboards;

/// <summary>
/// Every panel, variable and annotation query, rendered as Grafana renders it, against the InfluxDB a
/// real CityOps <c>--demo</c> writes: no query fails, and every panel that a short run can fill shows data.
/// </summary>
public sealed class DashboardsOnDemoCityTests(DemoCityTelemetry city, ITestOutputHelper output) : IClassFixture<DemoCityTelemetry>
{
    // The slowest panels: the storm holds a gauge above 15 cm for the one-minute "for:" of the 0406 rule
    // about 100 s in, and cases_open (written every 30 s) counts that case up to 30 s later.
    private static readonly TimeSpan DataDeadline = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Every_panel_shows_demo_city_data_after_a_short_run_except_the_listed_ones()
    {
        var queries = GrafanaDashboard.All.SelectMany(d => d.Queries()).ToList();
        var empty = await EmptyPanelsAsync(queries);
        while (empty.Any(p => MayBeEmpty(p) is null) && city.Running.Elapsed < DataDeadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = empty.Count;
            empty = await EmptyPanelsAsync(queries);
            if (empty.Count != before)
            {
                output.WriteLine($"{city.Running.Elapsed.TotalSeconds:0} s: still empty: {string.Join("; ", empty)}");
            }
        }

        output.WriteLine($"{queries.Count} queries, checked after {city.Running.Elapsed.TotalSeconds:0} s of demo");
        foreach (var panel in empty)
        {
            output.WriteLine($"empty: {panel} ({MayBeEmpty(panel) ?? "NOT ALLOWED"})");
        }

        Assert.True(empty.All(p => MayBeEmpty(p) is not null),
            "no data in: " + string.Join("; ", empty.Where(p => MayBeEmpty(p) is null)) + "\n" + city.App.Tail(20));
    }

    [Fact]
    public async Task Every_query_runs_with_one_selected_value_of_each_variable()
    {
        await WaitForVariableValuesAsync();
        foreach (var dashboard in GrafanaDashboard.All)
        {
            // Variables in dashboard order, as Grafana resolves them: a later one's query may use an earlier one.
            var selected = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var variable in dashboard.Variables())
            {
                var query = GrafanaTemplate.Render((string)variable["query"]!, selected);
                var values = await city.Influx.RowsAsync(PanelData.Database, query);
                Assert.True(values.Count > 0, $"{dashboard.File}: ${variable["name"]} lists no values: {query}");
                selected[(string)variable["name"]!] = GrafanaTemplate.Selected((string)values[0][1]!);
            }

            output.WriteLine($"{dashboard.File}: {string.Join(", ", selected.Select(s => $"${s.Key}={s.Value}"))}");
            foreach (var query in dashboard.Queries())
            {
                await city.Influx.QueryAsync(PanelData.Database, GrafanaTemplate.Render(query.InfluxQl, selected));
            }
        }
    }

    [Fact]
    public async Task Maps_place_every_gauge_and_every_vehicle()
    {
        await WaitForVariableValuesAsync();
        var gauges = await PanelData.RowsAsync(city.Influx, "flood-watch.json", "积水点位 Gauges by depth now");
        var vehicles = await PanelData.RowsAsync(city.Influx, "vehicles.json", "车辆位置 Last positions");

        // The demo city has 60 gauges and 20 trucks; gauges report every 10 s, trucks every 5 s.
        Assert.Equal(60, gauges.Count);
        Assert.Equal(20, vehicles.Count);
        Assert.All(gauges.Concat(vehicles), row =>
        {
            Assert.InRange((double)row["lat"]!, 35.2, 35.4);
            Assert.InRange((double)row["lon"]!, 113.8, 114.0);
        });
    }

    /// <summary>
    /// Panels a two-minute demo run may legitimately leave empty, and why. Keep this list short: every
    /// other panel must show data.
    /// </summary>
    private static string? MayBeEmpty(PanelKey panel) => (panel.Dashboard, panel.Title) switch
    {
        // MH-0200 falls silent 30 s after start; it counts as silent only after 30 minutes without a report.
        ("cityops-manhole", "离线井盖 Covers silent for 30 minutes") => "needs 30 minutes of silence",

        // SL-0021 is dark only while the lamps are scheduled on (sunset to sunrise at the demo city); by day it is off like the rest.
        ("cityops-streetlight", "缺亮 Dark lamps: relay on, no current") when !CityModel.ScheduledOn(DateTimeOffset.UtcNow, 35.30, 113.93) => "daytime: lamps are off",

        // The demo's streetlight case (SL-0013 under 180 V) is raised after its 5-minute "for:".
        ("cityops-streetlight", "路灯案件 Streetlight cases filed") => "0118 cases need 5 minutes",

        // Closing a case takes the dispatch workflow (dispatch, handle, verify, close), which nobody drives in the demo.
        ("cityops-cases", "结案 Cases closed") => "no case is closed in the demo",
        _ => null,
    };

    private async Task<List<PanelKey>> EmptyPanelsAsync(List<DashboardQuery> queries)
    {
        var withData = new HashSet<PanelKey>();
        foreach (var query in queries)
        {
            var influxQl = GrafanaTemplate.Render(query.InfluxQl, PanelData.AllSelected(GrafanaDashboard.WithUid(query.Dashboard)));
            if ((await city.Influx.RowsAsync(PanelData.Database, influxQl)).Count > 0)
            {
                withData.Add(PanelKey.Of(query));
            }
        }

        return queries.Select(PanelKey.Of).Distinct().Where(p => !withData.Contains(p)).ToList();
    }

    private async Task WaitForVariableValuesAsync()
    {
        var variables = GrafanaDashboard.All.SelectMany(d => d.Queries()).Where(q => q.Source == QuerySource.Variable).ToList();
        while (city.Running.Elapsed < DataDeadline)
        {
            var empty = 0;
            foreach (var query in variables)
            {
                var influxQl = GrafanaTemplate.Render(query.InfluxQl, PanelData.AllSelected(GrafanaDashboard.WithUid(query.Dashboard)));
                empty += (await city.Influx.RowsAsync(PanelData.Database, influxQl)).Count == 0 ? 1 : 0;
            }

            if (empty == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private sealed record PanelKey(string Dashboard, QuerySource Source, string Title)
    {
        public static PanelKey Of(DashboardQuery query) => new(query.Dashboard, query.Source, query.Title);

        public override string ToString() => $"{Dashboard} / {Source} \"{Title}\"";
    }
}
