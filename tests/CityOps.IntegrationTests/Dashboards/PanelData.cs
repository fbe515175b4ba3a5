using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Dashboards;

/// <summary>Runs one panel query as Grafana would and returns its rows by column name, series tags included.</summary>
public static class PanelData
{
    public const string Database = "cityops";

    /// <summary>Every variable at "All", as a dashboard opens.</summary>
    public static Dictionary<string, string> AllSelected(GrafanaDashboard dashboard) =>
        dashboard.Variables().ToDictionary(v => (string)v["name"]!, v => (string)v["allValue"]!, StringComparer.Ordinal);

    public static async Task<List<JsonObject>> RowsAsync(
        InfluxDb influx, string file, string panelTitle, string refId = "A", IReadOnlyDictionary<string, string>? selected = null)
    {
        var dashboard = GrafanaDashboard.Named(file);
        var target = dashboard.Panel(panelTitle)["targets"]!.AsArray().Single(t => (string?)t!["refId"] == refId)!;
        var variables = AllSelected(dashboard);
        foreach (var (name, value) in selected ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var body = await influx.QueryAsync(Database, GrafanaTemplate.Render((string)target["query"]!, variables));
        var rows = new List<JsonObject>();
        foreach (var series in body["results"]?[0]?["series"]?.AsArray() ?? [])
        {
            var columns = series!["columns"]!.AsArray().Select(c => (string)c!).ToList();
            foreach (var values in series["values"]!.AsArray())
            {
                var row = new JsonObject();
                foreach (var (tag, value) in series["tags"]?.AsObject() ?? [])
                {
                    row[tag] = value?.DeepClone();
                }

                for (var i = 0; i < columns.Count; i++)
                {
                    row[columns[i]] = values![i]?.DeepClone();
                }

                rows.Add(row);
            }
        }

        return rows;
    }
}
