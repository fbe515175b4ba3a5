namespace CityOps.Grains.Devices;

/// <summary>
/// The flapping watch of one rule on one device (rules with <c>flapping:</c>): the recent raises and clears, whether it
/// is flapping, and the alarm held while it flaps and is clear (it comes back, the same alarm, when the rule fires again).
/// </summary>
[GenerateSerializer, Alias("cityops.flap-state")]
public sealed class FlapState
{
    [Id(0)] public List<DateTimeOffset> Changes { get; set; } = [];
    [Id(1)] public bool Flapping { get; set; }
    [Id(2)] public AlarmRecord? Held { get; set; }
}
