using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver for webhook tests: Kestrel on a loopback port, started and stopped at will (a
/// stopped receiver refuses connections), answering with the status code the test sets.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public WebhookReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/cases";

    /// <summary>The status answered to every delivery from now on.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>When set, decides the status per delivery (case or alarm id, event) instead of <see cref="Status"/>.</summary>
    public Func<string, string, int>? StatusFor { get; set; }

    /// <summary>Every request received, in arrival order, with the status it was answered.</summary>
    public ConcurrentQueue<WebhookDelivery> Received { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        _app = builder.Build();
        _app.MapPost("/hooks/cases", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var caseId = (string?)body?["case"]?["id"] ?? (string?)body?["alarm"]?["id"] ?? "";
            var eventName = (string?)body?["event"] ?? "";
            var status = StatusFor?.Invoke(caseId, eventName) ?? Status;
            Received.Enqueue(new WebhookDelivery(
                context.Request.Headers["Idempotency-Key"].ToString(), eventName, caseId, (long?)body?["sequence"] ?? 0, status));
            return Results.StatusCode(status);
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
