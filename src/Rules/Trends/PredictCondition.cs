namespace CityOps.Rules.Trends;

/// <summary>
/// <c>predict: { metric, reaches, within, over }</c>: a trend pre-alert while the least-squares line through the
/// metric's readings of the last <see cref="Over"/> reaches <see cref="Reaches"/> within <see cref="Within"/> from now.
/// </summary>
public sealed record PredictCondition(double Reaches, TimeSpan Within, TimeSpan Over);
