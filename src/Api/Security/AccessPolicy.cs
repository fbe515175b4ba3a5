namespace CityOps.Api.Security;

/// <summary>
/// The role each request needs, by method and path, in one place, so an endpoint added later is covered
/// at once (a write nobody classified needs admin). Health, metrics and the OpenAPI document stay open.
/// </summary>
public static class AccessPolicy
{
    public static Role? Required(string method, PathString path)
    {
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi"))
        {
            return null;
        }

        if (path.StartsWithSegments("/api/v1/audit"))
        {
            return Role.Admin;
        }

        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return Role.Viewer;
        }

        if (path.StartsWithSegments("/api/v1/rules") || path.StartsWithSegments("/api/v1/silences"))
        {
            return Role.Engineer;
        }

        if (path.StartsWithSegments("/api/v1/cases") || path.StartsWithSegments("/api/v1/alarms") || path.StartsWithSegments("/api/v1/maintenance"))
        {
            return Role.Dispatcher;
        }

        return Role.Admin;
    }

    /// <summary>Largest request body per write endpoint: imports and zone maps are big, everything else is small.</summary>
    public static long BodyLimit(PathString path) =>
        path.StartsWithSegments("/api/v1/devices/import") || path.StartsWithSegments("/api/v1/zones") ? 32 * 1024 * 1024
        : path.StartsWithSegments("/api/v1/rules") ? 1024 * 1024
        : 64 * 1024;
}
