namespace CityOps.Rules;

/// <summary><c>when:</c> of a rule: the sun's position at the device when the reading was taken.</summary>
public enum SunCondition
{
    /// <summary>No <c>when:</c>: any time.</summary>
    Any,

    /// <summary>The sun is below the horizon (after sunset, before sunrise).</summary>
    Night,

    /// <summary>The sun is up.</summary>
    Day,
}
