namespace CityOps.Tests.Integration.Stores;

/// <summary>The store contract tests share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreBackends>
{
    public const string Name = "Stores";
}
