namespace CityOps.Rules;

/// <summary>
/// One step of a rule's <c>escalate:</c> list, e.g. <c>{ after: 30m, to: red, unless: acknowledged }</c>: while the alarm stays
/// active (and, with <see cref="UnlessAcknowledged"/>, nobody acknowledged it), <see cref="After"/> its raising its severity
/// goes up to <see cref="To"/>, without a new reading. Never down.
/// </summary>
public sealed record EscalationStep(TimeSpan After, Severity To, bool UnlessAcknowledged);
