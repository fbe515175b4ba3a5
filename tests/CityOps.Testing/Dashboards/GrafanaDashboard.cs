using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Dashboards;

/// <summary>One dashboard JSON file of <c>dashboards/cityops/</c>, as the Grafana file provider loads it.</summary>
public sealed class GrafanaDashboard
{
    private GrafanaDashboard(string file, JsonObject json)
    {
        File = file;
        Json = json;
    }

    /// <summary>The repository folder the provider file's path is mounted from.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "dashboards", "cityops");

    public static IReadOnlyList<GrafanaDashboard> All { get; } = LoadAll();

    public static IEnumerable<object[]> Files => All.Select(d => new object[] { d.File });

    public string File { get; }

    public JsonObject Json { get; }

    public string Uid => (string?)Json["uid"] ?? "";

    public string Title => (string?)Json["title"] ?? "";

    public static GrafanaDashboard Named(string file) => All.Single(d => d.File == file);

    public static GrafanaDashboard WithUid(string uid) => All.Single(d => d.Uid == uid);

    /// <summary>Every panel, rows included, with the panels inside collapsed rows.</summary>
    public IEnumerable<JsonObject> Panels() => Flatten(Json["panels"]?.AsArray() ?? []);

    public IEnumerable<JsonObject> Variables() =>
        (Json["templating"]?["list"]?.AsArray() ?? []).Select(v => v!.AsObject());

    /// <summary>The annotation queries the dashboard adds, without Grafana's built-in one.</summary>
    public IEnumerable<JsonObject> Annotations() =>
        (Json["annotations"]?["list"]?.AsArray() ?? []).Select(a => a!.AsObject()).Where(a => a["builtIn"] is null);

    public JsonObject Panel(string title) =>
        Panels().SingleOrDefault(p => (string?)p["title"] == title) ?? throw new KeyNotFoundException($"{File} has no panel \"{title}\"");

    public IEnumerable<DashboardQuery> Queries()
    {
        foreach (var variable in Variables().Where(v => (string?)v["type"] == "query"))
        {
            yield return new(Uid, QuerySource.Variable, (string)variable["name"]!, "", QueryText(variable["query"]));
        }

        foreach (var annotation in Annotations())
        {
            yield return new(Uid, QuerySource.Annotation, (string)annotation["name"]!, "", QueryText(annotation["target"]?["query"] ?? annotation["query"]));
        }

        foreach (var panel in Panels())
        {
            foreach (var target in (panel["targets"]?.AsArray() ?? []).Select(t => t!.AsObject()))
            {
                yield return new(Uid, QuerySource.Panel, (string?)panel["title"] ?? "", (string?)target["refId"] ?? "", QueryText(target["query"]));
            }
        }
    }

    public override string ToString() => File;

    private static string QueryText(JsonNode? query) => query switch
    {
        JsonValue value => (string?)value ?? "",
        JsonObject editor => (string?)editor["query"] ?? "",
        _ => "",
    };

    private static IEnumerable<JsonObject> Flatten(JsonArray panels)
    {
        foreach (var panel in panels.Select(p => p!.AsObject()))
        {
            yield return panel;
            foreach (var inner in Flatten(panel["panels"]?.AsArray() ?? []))
            {
                yield return inner;
            }
        }
    }

    private static List<GrafanaDashboard> LoadAll() =>
        Directory.GetFiles(Folder, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => new GrafanaDashboard(Path.GetFileName(path), JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject()))
            .ToList();
}
