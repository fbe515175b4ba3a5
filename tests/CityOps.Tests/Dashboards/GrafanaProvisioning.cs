using CityOps.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace CityOps.Tests.Dashboards;

/// <summary>The provisioning files of <c>dashboards/provisioning/</c>, read as Grafana reads them (YAML).</summary>
public static class GrafanaProvisioning
{
    public static string Folder => Path.Combine(RepoPaths.Root, "dashboards", "provisioning");

    public static IReadOnlyList<YamlMappingNode> DataSources => Items(Path.Combine("datasources", "cityops.yaml"), "datasources");

    public static IReadOnlyList<YamlMappingNode> DashboardProviders => Items(Path.Combine("dashboards", "cityops.yaml"), "providers");

    public static IReadOnlySet<string> DataSourceUids => DataSources.Select(d => Scalar(d, "uid")).ToHashSet(StringComparer.Ordinal);

    /// <summary>A scalar under a mapping by path (<c>"jsonData", "dbName"</c>); empty when absent.</summary>
    public static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return "";
            }

            current = child;
        }

        return (current as YamlScalarNode)?.Value ?? "";
    }

    private static List<YamlMappingNode> Items(string relative, string key)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Folder, relative)))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Equal("1", Scalar(root, "apiVersion"));
        return ((YamlSequenceNode)root.Children[new YamlScalarNode(key)]).Children.Cast<YamlMappingNode>().ToList();
    }
}
