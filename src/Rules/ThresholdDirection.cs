namespace CityOps.Rules;

/// <summary>Whether a rule fires when the value rises above (<c>above:</c>) or falls below (<c>below:</c>) its thresholds.</summary>
public enum ThresholdDirection
{
    Above,
    Below,
}
