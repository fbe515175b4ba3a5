namespace CityOps.Tests.Integration;

/// <summary>The test classes that share one <see cref="DispatchApiFixture"/> process.</summary>
[CollectionDefinition(Name)]
public sealed class DispatchApiCollection : ICollectionFixture<DispatchApiFixture>
{
    public const string Name = "dispatch-api";
}
