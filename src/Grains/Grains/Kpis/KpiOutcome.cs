namespace CityOps.Grains.Kpis;

/// <summary>Where one counted case stood at the end of the period.</summary>
internal readonly record struct KpiOutcome(bool Cancelled, bool Handled, bool HandledOnTime, bool Closed, bool ClosedOnTime, bool Reworked, bool OverdueUnhandled);
