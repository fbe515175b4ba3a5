namespace CityOps.Grains;

/// <summary>
/// A workflow action on a case. <see cref="By"/> is the authenticated actor (the API key's name, or <c>system:…</c>);
/// <see cref="OnBehalfOf"/> is whom the caller says it acts for (the request's <c>by</c>), recorded only as a note.
/// <see cref="Supervisor"/>: the actor holds the supervisor capability (延期 decisions, 督办, 挂账, cancelling after dispatch).
/// <see cref="Reason"/>: why (回退 needs one); <see cref="Level"/>: the 督办 level.
/// </summary>
[GenerateSerializer, Immutable, Alias("cityops.case-action")]
public sealed record CaseAction(
    [property: Id(0)] CaseActionKind Action,
    [property: Id(1)] string? Unit,
    [property: Id(2)] string? Note,
    [property: Id(3)] string By,
    [property: Id(4)] DateTimeOffset? DueAt,
    [property: Id(5)] string? OnBehalfOf = null,
    [property: Id(6)] string? Reason = null,
    [property: Id(7)] int? Level = null,
    [property: Id(8)] bool Supervisor = false);
