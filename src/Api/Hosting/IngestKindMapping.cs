using CityOps.Ingest.Parsing;
using CityOps.Rules;

namespace CityOps.Api.Hosting;

/// <summary>The node's kind catalog as ingest sees it: the topic kinds.</summary>
public static class IngestKindMapping
{
    public static IngestKinds ToIngestKinds(this KindCatalog kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return new IngestKinds(kinds.Kinds);
    }
}
