using System.Net;
using CityOps.Api;
using CityOps.Api.Endpoints;
using CityOps.Api.Security;
using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityOps.Tests.Security;

/// <summary>
/// A small web app in this process with CityOps' real request pipeline (<see cref="CityOpsApp.UseCityOpsPipeline"/>),
/// its audit endpoint and a few stand-in endpoints, one of which fails on purpose. It runs in the Development
/// environment, where ASP.NET Core would be most talkative about failures.
/// </summary>
public sealed class HardenedApiHost : IAsyncDisposable
{
    public const string Secret = "password=hunter2 in /srv/cityops/secret.db";

    private readonly TempFolder _folder = new("hardened-api");
    private WebApplication _app = null!;

    public HttpClient Http { get; private set; } = null!;

    public static async Task<HardenedApiHost> StartAsync(IDictionary<string, string?> settings)
    {
        var host = new HardenedApiHost();
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddKeyedSingleton(StoreDatabase.Local, StoreDatabase.Sqlite(host._folder.Combine("cityops.db")));
        builder.AddCityOpsSecurity();

        var app = builder.Build();
        app.UseCityOpsPipeline();
        app.MapAuditEndpoints();
        app.MapGet("/api/v1/cases", () => TypedResults.Ok(Array.Empty<string>()));
        app.MapPost("/api/v1/cases", () => TypedResults.Created("/api/v1/cases/case-42", new { id = "case-42" }));
        app.MapPut("/api/v1/devices/{id}", (string id) => TypedResults.Ok(new { id }));
        app.MapGet("/api/v1/failing", string () => throw new InvalidOperationException(Secret));
        app.MapPost("/api/v1/failing", string () => throw new InvalidOperationException(Secret));
        await app.StartAsync();
        host._app = app;
        host.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        return host;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null)
    {
        using var request = Request(method, path, key);
        return await Http.SendAsync(request);
    }

    public static bool IsProblem(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    public static HttpStatusCode[] Statuses(IEnumerable<HttpResponseMessage> responses) => [.. responses.Select(r => r.StatusCode)];

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _folder.Dispose();
    }
}
