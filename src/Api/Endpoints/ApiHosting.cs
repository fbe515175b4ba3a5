using CityOps.Grains;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CityOps.Api.Endpoints;

public static class ApiHosting
{
    /// <summary>The largest request body any endpoint accepts (device imports, zones); rule files have their own, smaller limit.</summary>
    public const long MaxBodyBytes = 32 * 1024 * 1024;

    /// <summary>The HTTP API: JSON as the rest of CityOps writes it, problem+json for every error, OpenAPI.</summary>
    public static IHostApplicationBuilder AddCityOpsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => CityOpsJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();

        // Refusals before a handler runs become exceptions, so BadRequestProblems can say which field and why.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddOpenApi();
        return builder;
    }
}
