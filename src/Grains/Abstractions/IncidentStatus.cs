using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>Whether an incident still has an active member. Serialized lower-case (<c>open</c>, <c>cleared</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentStatus>))]
public enum IncidentStatus
{
    [JsonStringEnumMemberName("open")] Open = 0,
    [JsonStringEnumMemberName("cleared")] Cleared = 1,
}
