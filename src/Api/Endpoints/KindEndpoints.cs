using CityOps.Rules;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/kinds</c>: the device kinds of this node (built in, <c>kinds.yaml</c>, <c>CityOps:Kinds</c>), with their metrics.</summary>
public static class KindEndpoints
{
    public static IEndpointRouteBuilder MapKindEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/kinds", (KindCatalog kinds) => TypedResults.Ok(kinds.All.Select(View).ToList()))
            .WithTags("Devices").WithName("ListKinds").WithSummary("Device kinds: metrics with unit and physical range, default case code, offline window, reporting interval");
        return app;
    }

    private static KindView View(DeviceKind kind) => new(
        kind.Name, kind.Title, kind.CaseCode, kind.OfflineAfter is { } offline ? Durations.Format(offline) : null,
        [.. kind.Metrics.Select(m => new MetricView(m.Name, m.Unit, double.IsFinite(m.Min) ? m.Min : null, double.IsFinite(m.Max) ? m.Max : null))],
        kind.ReportInterval is { } interval ? Durations.Format(interval) : null);

    /// <summary>A kind; <see cref="Interval"/> (how often its devices report) is left out when not configured.</summary>
    public sealed record KindView(string Name, string? Title, string? Code, string? Offline, IReadOnlyList<MetricView> Metrics, string? Interval);

    public sealed record MetricView(string Name, string? Unit, double? Min, double? Max);
}
