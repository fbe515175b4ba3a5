using System.Text.Json;
using Microsoft.Extensions.FileProviders;

namespace CityOps.Api.OperatorConsole;

/// <summary>
/// The operator console: static files from <c>wwwroot</c> (our ES modules and the vendored Leaflet), served at
/// <c>/</c> by this process with no CDN. It sits before the API-key check on purpose: the page and its scripts
/// hold no data (every datum comes from the API, which still needs a key), and the page must load to ask for one.
/// </summary>
public static class ConsoleExtensions
{
    public const string SettingsPath = "/console/settings.json";

    public static WebApplication UseCityOpsConsole(this WebApplication app)
    {
        var options = app.Configuration.GetSection("CityOps:Console").Get<ConsoleOptions>() ?? new ConsoleOptions();
        var root = Path.Combine(app.Environment.ContentRootPath, "wwwroot");
        if (!options.Enabled || !Directory.Exists(root))
        {
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var policy = ConsolePolicy.For(options.TileUrl);
        var settings = JsonSerializer.SerializeToUtf8Bytes(new ConsoleSettings(options.TileUrl, options.TileAttribution), CityOpsJson.Options);
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == SettingsPath)
            {
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(settings, context.RequestAborted);
                return;
            }

            await next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = prepared =>
            {
                var headers = prepared.Context.Response.Headers;

                // Revalidated by ETag on every load (cheap 304s), so an upgrade is never half-cached.
                headers.CacheControl = "no-cache";
                if (prepared.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = policy;
                }
            },
        });
        return app;
    }
}
