namespace CityOps.Grains;

/// <summary>
/// Device grain references for the hot paths. <c>GetGrain&lt;IDeviceGrain&gt;(id)</c> resolves the interface's Orleans
/// type name by reflection and type-name parsing on every call (≈ 0.6 KB and a few µs); the ingest path asks once per
/// device per round, so the two Orleans types are resolved once here and every reference is made from them.
/// </summary>
public static class DeviceGrains
{
    private static Types? s_types; // a reference, so threads never see half of one

    /// <summary>The same reference as <c>grains.GetGrain&lt;IDeviceGrain&gt;(deviceId)</c>, without resolving the types again.</summary>
    public static IDeviceGrain Device(this IGrainFactory grains, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var types = s_types ??= Types.Of((GrainReference)grains.GetGrain<IDeviceGrain>("device"));
        return (IDeviceGrain)grains.GetGrain(GrainId.Create(types.Grain, deviceId), types.Interface);
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface)
    {
        public static Types Of(GrainReference reference) => new(reference.GrainId.Type, reference.InterfaceType);
    }
}
