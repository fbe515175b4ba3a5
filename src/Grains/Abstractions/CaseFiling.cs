namespace CityOps.Grains;

/// <summary>
/// What is known when a case is filed (立案), by a rule or by a person. <see cref="UnitFixed"/>: the unit was
/// named by the person filing, so routing does not replace it (otherwise it is the grid's, routing's wins). <see cref="AlarmId"/>: the alarm it files.
/// <see cref="CodeType"/>: the table of <see cref="Code"/> when the filer knows it (otherwise the code tables decide);
/// <see cref="Source"/>: the channel it came in by (rules: <c>iot</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.case-filing")]
public sealed record CaseFiling(
    [property: Id(0)] string Code,
    [property: Id(1)] string Title,
    [property: Id(2)] Severity Severity,
    [property: Id(3)] string? DeviceId,
    [property: Id(4)] string? RuleId,
    [property: Id(5)] double? Lat,
    [property: Id(6)] double? Lon,
    [property: Id(7)] string? Grid,
    [property: Id(8)] string? Unit,
    [property: Id(9)] double? Value,
    [property: Id(10)] DateTimeOffset At,
    [property: Id(11)] string Actor,
    [property: Id(12)] string? Note,
    [property: Id(13)] bool UnitFixed = false,
    [property: Id(14)] string? AlarmId = null,
    [property: Id(20)] CodeType? CodeType = null,
    [property: Id(21)] CaseSource Source = CaseSource.Iot);
