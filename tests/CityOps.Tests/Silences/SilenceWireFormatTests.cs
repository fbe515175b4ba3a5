using System.Text.Json;
using CityOps.Api.Endpoints;
using CityOps.Grains;
using CityOps.Grains.Silences;

namespace CityOps.Tests.Silences;

/// <summary>
/// A silence as stored and as the API shows it (the stored one with its state now after the id): both pinned byte for
/// byte, so deriving the view from the stored record changed neither.
/// </summary>
public sealed class SilenceWireFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly Silence Window = new(
        "s-1", "WL-1", "4107", "zone-a", "waterlog-depth", T0, T0.AddHours(2), "pump upkeep", "desk", T0.AddMinutes(-5), T0.AddHours(1));

    [Fact]
    public void Stored_silence_json_is_unchanged()
    {
        Assert.Equal(
            """{"id":"s-1","deviceId":"WL-1","grid":"4107","zone":"zone-a","ruleId":"waterlog-depth","startsAt":"2026-07-20T08:00:00+00:00","endsAt":"2026-07-20T10:00:00+00:00","reason":"pump upkeep","createdBy":"desk","createdAt":"2026-07-20T07:55:00+00:00","expiredAt":"2026-07-20T09:00:00+00:00"}""",
            JsonSerializer.Serialize(Window, CityOpsJson.Options));
    }

    [Fact]
    public void Silence_view_json_has_the_state_after_the_id_and_every_stored_field_in_order()
    {
        Assert.Equal(
            """{"id":"s-1","state":"expired","deviceId":"WL-1","grid":"4107","zone":"zone-a","ruleId":"waterlog-depth","startsAt":"2026-07-20T08:00:00+00:00","endsAt":"2026-07-20T10:00:00+00:00","reason":"pump upkeep","createdBy":"desk","createdAt":"2026-07-20T07:55:00+00:00","expiredAt":"2026-07-20T09:00:00+00:00"}""",
            JsonSerializer.Serialize(SilenceView.Of(Window, T0), CityOpsJson.Options));

        var pending = Window with { Id = "s-2", Grid = null, Zone = null, RuleId = null, ExpiredAt = null };
        Assert.Equal(
            """{"id":"s-2","state":"pending","deviceId":"WL-1","startsAt":"2026-07-20T08:00:00+00:00","endsAt":"2026-07-20T10:00:00+00:00","reason":"pump upkeep","createdBy":"desk","createdAt":"2026-07-20T07:55:00+00:00"}""",
            JsonSerializer.Serialize(SilenceView.Of(pending, T0.AddMinutes(-1)), CityOpsJson.Options));
    }
}
