using System.Reflection;
using Xunit.Sdk;

namespace CityOps.Tests.Integration.Stores;

/// <summary>Runs a store contract test once on SQLite and once on PostgreSQL, with the backend's name as its argument.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothBackendsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreBackends.Sqlite], [StoreBackends.Postgres]];
}
