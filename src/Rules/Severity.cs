namespace CityOps.Rules;

/// <summary>Warning colours of the Chinese early-warning scale (蓝/黄/橙/红 预警); ordered so that a larger value is more severe.</summary>
public enum Severity
{
    None = 0,
    Blue = 1,
    Yellow = 2,
    Orange = 3,
    Red = 4,
}
