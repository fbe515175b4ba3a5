namespace CityOps.Tests.Dashboards;

/// <summary>
/// What panel queries mean, on hand-made telemetry with situations a short demo run cannot produce;
/// <see cref="DashboardsOnDemoCityTests"/> proves the dashboards against the real CityOps.
/// </summary>
public sealed class DashboardQueriesOnSyntheticTelemetryTests(SyntheticTelemetry data) : IClassFixture<SyntheticTelemetry>
{
    [Fact]
    public async Task Silent_covers_panel_lists_the_cover_quiet_for_forty_minutes_and_no_other()
    {
        var silent = await PanelData.RowsAsync(data.Influx, "manhole-covers.json", "离线井盖 Covers silent for 30 minutes");
        Assert.Equal(["MH-2"], silent.Select(r => (string?)r["device"]));

        var counted = await PanelData.RowsAsync(data.Influx, "manhole-covers.json", "异常井盖数 Covers per problem", "F");
        Assert.Equal(1, (int?)Assert.Single(counted)["count"]);

        var lastSeen = await PanelData.RowsAsync(data.Influx, "manhole-covers.json", "最后上报 Last report per cover, oldest first");
        Assert.Equal(3, lastSeen.Count);
    }

    [Fact]
    public async Task Covers_needing_attention_are_those_whose_latest_reading_crosses_a_threshold()
    {
        var covers = await PanelData.RowsAsync(data.Influx, "manhole-covers.json", "异常井盖 Covers needing attention");
        Assert.Equal(["MH-3"], covers.Select(r => (string?)r["device"]));
        Assert.Equal(25, (double?)covers[0]["tilt_deg"]);
    }

    [Fact]
    public async Task Lit_rate_counts_a_lamp_with_relay_on_but_no_current_as_dark()
    {
        var rate = await PanelData.RowsAsync(data.Influx, "streetlights.json", "亮灯率 Lit rate now");
        Assert.Equal(75, (double?)Assert.Single(rate)["亮灯率"]);

        var dark = await PanelData.RowsAsync(data.Influx, "streetlights.json", "缺亮 Dark lamps: relay on, no current");
        Assert.Equal(["SL-4"], dark.Select(r => (string?)r["device"]));

        var lit = await PanelData.RowsAsync(data.Influx, "streetlights.json", "亮灯中 Lamps lit now (by day: 昼亮)");
        Assert.Equal(["SL-1", "SL-2", "SL-3"], lit.Select(r => (string?)r["device"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Warning_levels_and_deepest_gauges_follow_the_latest_depth_not_the_peak()
    {
        var levels = new List<int?>();
        foreach (var refId in new[] { "A", "B", "C", "D" })
        {
            var rows = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "预警积水点 Gauges per warning level", refId);
            levels.Add((int?)Assert.Single(rows)["count"]);
        }

        // Latest depths 10, 20, 30, 45, 55 (and 5 outside the grids) against lines 15, 27, 40, 50; WL-A's earlier 60 cm no longer counts.
        Assert.Equal([4, 3, 2, 1], levels);

        var deepest = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "当前最深积水 Deepest gauges now");
        Assert.Equal("WL-E", (string?)deepest.MaxBy(r => (double?)r["depth_cm"])!["device"]);
    }

    [Fact]
    public async Task Open_waterlogging_cases_show_each_gauges_latest_case_and_leave_out_closed_ones()
    {
        var cases = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "积水案件 Latest 0406 case per gauge, still open");
        var open = Assert.Single(cases);
        Assert.Equal("WL-A", (string?)open["device"]);
        Assert.Equal("dispatched", (string?)open["status"]);
        Assert.Equal("red", (string?)open["severity"]);

        var overdue = await PanelData.RowsAsync(data.Influx, "cases.json", "超期 Overdue now");
        Assert.Equal(1, (int?)Assert.Single(overdue)["sum"]);
    }

    [Fact]
    public async Task All_keeps_devices_outside_every_grid_and_one_grid_keeps_only_its_devices()
    {
        var all = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "积水点位 Gauges by depth now");
        Assert.Contains(all, r => (string?)r["device"] == "WL-X");
        Assert.Equal(6, all.Count);

        var oneGrid = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "积水点位 Gauges by depth now",
            selected: new Dictionary<string, string> { ["grid"] = GrafanaTemplate.Selected(SyntheticTelemetry.Grid) });
        Assert.Equal(5, oneGrid.Count);
        Assert.DoesNotContain(oneGrid, r => (string?)r["device"] == "WL-X");

        var twoGauges = await PanelData.RowsAsync(data.Influx, "flood-watch.json", "积水点位 Gauges by depth now",
            selected: new Dictionary<string, string> { ["device"] = GrafanaTemplate.Selected("WL-A", "WL-X") });
        Assert.Equal(["WL-A", "WL-X"], twoGauges.Select(r => (string?)r["device"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Engine_rates_are_per_second_from_the_cumulative_counters()
    {
        var rates = await PanelData.RowsAsync(data.Influx, "engine.json", "每秒读数 Readings per second: in, evaluated, stored");
        Assert.NotEmpty(rates);
        Assert.All(rates, r => Assert.Equal(30, (double?)r["in 接入"]));

        var rejected = await PanelData.RowsAsync(data.Influx, "engine.json", "拒收累计 Rejected since start by reason");
        Assert.Equal(1, (int?)Assert.Single(rejected)["count"]);
    }
}
