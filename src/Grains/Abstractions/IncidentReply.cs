namespace CityOps.Grains;

/// <summary>
/// An incident grain's answer to a report: the incident the alarm belongs to (null: none yet, the alarm files under its own
/// rule's policy) and the incident's case (null while the incident has filed none).
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.incident-reply")]
public sealed record IncidentReply(
    [property: Id(0)] string? IncidentId,
    [property: Id(1)] string? CaseId)
{
    public static IncidentReply None { get; } = new(null, null);
}
