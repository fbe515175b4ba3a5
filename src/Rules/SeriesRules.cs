namespace CityOps.Rules;

/// <summary>
/// The forms judged from a metric's recent history or its kind rather than one reading: <c>stuck:</c>, <c>jump:</c> and
/// <c>range:</c> (sensor faults) and <c>predict:</c> (trend pre-alert). Reads <see cref="ReadingContext.History"/>, which
/// already holds the reading, and <see cref="ReadingContext.OutOfRange"/>; allocation-free.
/// </summary>
internal static class SeriesRules
{
    public static bool Holds(Rule rule, AlarmState state, ReadingContext reading, double value)
    {
        var history = reading.History;
        var slot = rule.MetricSlot;
        if (rule.Stuck is { } stuck)
        {
            return history.Steady(slot, stuck.For, reading.At, stuck.Tolerance);
        }

        if (rule.Range is not null)
        {
            return double.IsFinite(reading.OutOfRange(slot));
        }

        if (rule.Jump is { } jump)
        {
            return history.LargestChange(slot, jump.Per, reading.At, value) > jump.Above;
        }

        state.Eta = null;
        if (rule.Predict is not { } predict || !history.Fit(slot, predict.Over, reading.At, out var now, out var slope) || slope == 0)
        {
            return false;
        }

        // Minutes until the fitted line reaches the value; negative when it moves away from it (the trend turned) or
        // is already past it. A reading already at or past it is the threshold rule's business, not a forecast.
        var eta = (predict.Reaches - now) / slope;
        if (eta < 0 || eta > predict.Within.TotalMinutes || (slope > 0 ? value >= predict.Reaches : value <= predict.Reaches))
        {
            return false;
        }

        state.Eta = eta;
        return true;
    }
}
