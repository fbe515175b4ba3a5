using System.Text.Json.Serialization;
using CityOps.Grains.Silences;

namespace CityOps.Api.Endpoints;

/// <summary>A silence as the API shows it: the stored one with its state (<c>pending</c>, <c>active</c>, <c>expired</c>) now, after its id.</summary>
public sealed record SilenceView : Silence
{
    private SilenceView(Silence silence, string state)
        : base(silence) => CurrentState = state;

    [JsonPropertyName("state"), JsonPropertyOrder(-1)]
    public string CurrentState { get; }

    public static SilenceView Of(Silence s, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s, s.State(now));
    }
}
