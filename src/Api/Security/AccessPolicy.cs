namespace CityOps.Api.Security;

/// <summary>
/// The capability each request needs, by method and path, in one place, so an endpoint added later is covered
/// at once (a write nobody classified needs <see cref="Capability.Registry"/>, which only admin holds). Health, metrics
/// and the OpenAPI document stay open. Supervisor-only case actions are checked by the case endpoint, which reads the body.
/// </summary>
public static class AccessPolicy
{
    public static Capability? Required(string method, PathString path)
    {
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi"))
        {
            return null;
        }

        if (path.StartsWithSegments("/api/v1/audit"))
        {
            return Capability.Audit;
        }

        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return Capability.Read;
        }

        return path switch
        {
            _ when path.StartsWithSegments("/api/v1/rules") => Capability.Rules,
            _ when path.StartsWithSegments("/api/v1/silences") => Capability.Silences,
            _ when path.StartsWithSegments("/api/v1/cases") => Capability.Cases,
            _ when path.StartsWithSegments("/api/v1/alarms") => Capability.AlarmDesk,
            _ when path.StartsWithSegments("/api/v1/maintenance") => Capability.Upkeep,
            _ => Capability.Registry,
        };
    }

    /// <summary>Largest request body per write endpoint: imports and zone maps are big, everything else is small.</summary>
    public static long BodyLimit(PathString path) =>
        path.StartsWithSegments("/api/v1/devices/import") || path.StartsWithSegments("/api/v1/zones") ? 32 * 1024 * 1024
        : path.StartsWithSegments("/api/v1/rules") ? 1024 * 1024
        : 64 * 1024;
}
