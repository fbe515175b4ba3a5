using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// What a person does with an alarm: <c>acknowledge</c> (确认), <c>file</c> (核实立案), <c>dismiss</c> (误报/无需立案, with a
/// reason), or <c>close</c> (a device-upkeep alarm of the maintenance queue is done). Serialized lower-case.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlarmActionKind>))]
public enum AlarmActionKind
{
    [JsonStringEnumMemberName("acknowledge")] Acknowledge = 0,
    [JsonStringEnumMemberName("file")] File = 1,
    [JsonStringEnumMemberName("dismiss")] Dismiss = 2,
    [JsonStringEnumMemberName("close")] Close = 3,
}
