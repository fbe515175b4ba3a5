using CityOps.Api.Security;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Audit;

/// <summary>
/// Records every write request (any method but GET, HEAD and OPTIONS), refused ones included, in the
/// <see cref="IAuditLog"/>. The entry is written as the response starts, so it is stored before the
/// client sees the answer. A store that cannot be written is logged and does not fail the request:
/// the write itself already happened (or was refused).
/// </summary>
public sealed partial class AuditMiddleware(RequestDelegate next, IAuditLog log, ApiKeyRing keys, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    public const string AnonymousLoopback = "anonymous@loopback";

    public Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return next(context);
        }

        var at = time.GetUtcNow();
        context.Response.OnStarting(() => RecordAsync(context, at));
        return next(context);
    }

    private async Task RecordAsync(HttpContext context, DateTimeOffset at)
    {
        var path = context.Request.Path.Value ?? "/";
        var entry = new AuditEntry(
            0,
            at,
            Actor(context),
            context.Request.Method,
            Truncate(path, options.Value.MaxPathLength),
            ResourceId(context),
            context.Response.StatusCode,
            context.Connection.RemoteIpAddress?.ToString());
        try
        {
            await log.AppendAsync(entry, context.RequestAborted);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or OperationCanceledException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogNotRecorded(logger, entry.Method, entry.Path, entry.Actor, entry.Status, ex.Message);
        }
    }

    /// <summary>A path cut to <paramref name="max"/> characters, the last being <c>…</c> when it was longer.</summary>
    public static string Truncate(string path, int max) => path.Length <= max ? path : string.Concat(path.AsSpan(0, max - 1), "…");

    private string Actor(HttpContext context)
    {
        // The key's holder even when the key's role was too low (403): who tried matters as much as who did.
        if (keys.TryFind(ApiKeyRing.Presented(context.Request), out var holder))
        {
            return holder.Name;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (keys.Open)
        {
            return remote is null || System.Net.IPAddress.IsLoopback(remote) ? AnonymousLoopback : $"anonymous@{remote}";
        }

        return $"unauthenticated@{remote}";
    }

    private static string? ResourceId(HttpContext context)
    {
        foreach (var name in (string[])["id", "version"])
        {
            if (context.Request.RouteValues.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } id)
            {
                return id;
            }
        }

        var location = context.Response.Headers.Location.ToString();
        return location.Length > 0 ? location[(location.LastIndexOf('/') + 1)..] : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry not recorded ({Method} {Path} by {Actor}, {Status}): {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string method, string path, string actor, int status, string reason);
}
