using CityOps.Grains.Silences;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/silences</c>: maintenance windows during which matching alarms raise no case.</summary>
public static class SilenceEndpoints
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapSilenceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/silences").WithTags("Silences");

        group.MapGet("/", (SilenceBook book, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, bool? all) =>
        {
            var now = time.GetUtcNow();
            return TypedResults.Ok(book.List(now, all ?? false).Select(s => SilenceView.Of(s, now)).ToList());
        });

        group.MapGet("/{id}", Results<Ok<SilenceView>, ProblemHttpResult> (string id, SilenceBook book, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time) =>
            book.Find(id) is { } s ? TypedResults.Ok(SilenceView.Of(s, time.GetUtcNow())) : Problems.NotFound($"No silence '{id}'."));

        group.MapPost("/", async Task<Results<Created<SilenceView>, ValidationProblem>> (
            SilenceRequest request, SilenceBook book, ZoneMap zones, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            var errors = new Dictionary<string, string[]>();
            if (request.DeviceId is null && request.Grid is null && request.Zone is null && request.RuleId is null)
            {
                errors["matchers"] = ["give at least one of deviceId, grid, zone, ruleId"];
            }

            if (request.DeviceId is { } device && !IsName(device, 64, allowDot: true))
            {
                errors["deviceId"] = ["deviceId matches [A-Za-z0-9_.-]{1,64}"];
            }

            if (request.Grid is { } grid && (grid.Length is 0 or > 15 || !grid.All(char.IsAsciiDigit)))
            {
                errors["grid"] = ["grid is a unit-grid code or a prefix of it (digits, at most 15)"];
            }

            if (request.Zone is { } zone && !zones.Current.Geofences.Contains(zone))
            {
                errors["zone"] = [$"no geofence '{zone}'"];
            }

            if (request.RuleId is { } rule && !IsName(rule, 64, allowDot: false))
            {
                errors["ruleId"] = ["ruleId is [a-z0-9-]"];
            }

            if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
            {
                errors["reason"] = ["reason is required, at most 500 characters"];
            }

            if (request.By is { Length: > 100 })
            {
                errors["by"] = ["by is at most 100 characters"];
            }

            var starts = request.StartsAt ?? now;
            DateTimeOffset? ends = request.EndsAt;
            if (request.Duration is { } text)
            {
                if (ends is not null)
                {
                    errors["endsAt"] = ["give endsAt or duration, not both"];
                }
                else if (Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
                {
                    ends = starts + duration;
                }
                else
                {
                    errors["duration"] = ["duration is like 30m, 2h, 1d"];
                }
            }

            if (ends is null)
            {
                errors.TryAdd("endsAt", ["endsAt (or duration) is required"]);
            }
            else if (ends <= starts || ends <= now || ends - starts > Longest)
            {
                errors["endsAt"] = ["endsAt is after startsAt and now, at most 90 days after startsAt"];
            }

            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }

            var silence = await book.AddAsync(new Silence(
                "sil-" + Guid.NewGuid().ToString("N")[..12], request.DeviceId, request.Grid, request.Zone, request.RuleId,
                starts, ends!.Value, request.Reason!.Trim(), request.By ?? "api", now));
            return TypedResults.Created($"/api/v1/silences/{silence.Id}", SilenceView.Of(silence, now));
        });

        group.MapDelete("/{id}", async Task<Results<Ok<SilenceView>, ProblemHttpResult>> (
            string id, SilenceBook book, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            return await book.ExpireAsync(id, now) is { } expired
                ? TypedResults.Ok(SilenceView.Of(expired, now))
                : Problems.NotFound($"No silence '{id}'.");
        });

        return app;
    }

    private static bool IsName(string value, int max, bool allowDot) =>
        value.Length > 0 && value.Length <= max
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (allowDot && c == '.'));
}
