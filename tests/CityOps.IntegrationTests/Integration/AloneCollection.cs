namespace CityOps.Tests.Integration;

/// <summary>
/// Tests that put the machine under load on purpose (a three-node cluster killed mid-load, faults under load, thousands
/// of sockets): xUnit runs this collection after the others, with nothing beside it, so what they measure is CityOps
/// under their own load, not under the rest of the suite's on a two-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
