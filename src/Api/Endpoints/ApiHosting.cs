using CityOps.Grains.Configuration;
using CityOps.Grains.Kpis;
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
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails += SayWhy);

        // Refusals before a handler runs become exceptions, so BadRequestProblems can say which field and why.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddOpenApi();
        builder.AddValidatedOptions<KpiOptions>(KpiOptions.Section, KpiOptions.Check);
        return builder;
    }

    // Routing answers a body of a media type the endpoint does not declare itself (no exception to explain); say so.
    private static void SayWhy(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
        {
            context.ProblemDetails.Detail = $"Content-Type: '{context.HttpContext.Request.ContentType}' is not a media type this endpoint takes; JSON endpoints take application/json (all of them: /openapi/v1.json).";
        }
    }
}
