namespace CityOps.Grains.Cases;

/// <summary>
/// A case change as it is announced (<see cref="CaseEventKind"/>: <c>case.filed</c>, <c>case.updated</c>, <c>case.dispatched</c>, …),
/// with its sequence number in the durable event log (0 when it was not logged).
/// </summary>
public sealed record CaseEvent(CaseEventKind Event, CaseSnapshot Case, long Sequence = 0)
{
    /// <summary>The event's name on the wire (<c>case.filed</c>).</summary>
    public string Name => WireNames.Of(Event);
}
