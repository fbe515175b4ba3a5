using CityOps.Ingest.Parsing;
using CityOps.Rules;

namespace CityOps.Api.Hosting;

/// <summary>The node's kind catalog as ingest sees it: the topic kinds and the physical ranges of their metrics.</summary>
public static class IngestKindMapping
{
    public static IngestKinds ToIngestKinds(this KindCatalog kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return new IngestKinds(
            kinds.Kinds,
            kinds.All.SelectMany(k => k.Metrics.Where(m => m.HasRange).Select(m => new MetricRange(k.Name, m.Name, m.Min, m.Max, m.Unit))));
    }
}
