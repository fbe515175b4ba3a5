namespace CityOps.Tests.Dashboards;

/// <summary>One InfluxQL query of a dashboard: a panel target, a template variable or an annotation.</summary>
public sealed record DashboardQuery(string Dashboard, QuerySource Source, string Title, string RefId, string InfluxQl)
{
    public override string ToString() => $"{Dashboard} / {Source} \"{Title}\" {RefId}";
}

public enum QuerySource
{
    Panel,
    Variable,
    Annotation,
}
