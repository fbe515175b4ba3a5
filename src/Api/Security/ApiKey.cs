namespace CityOps.Api.Security;

/// <summary>One configured key: <c>CityOps:Auth:ApiKeys:N:Key</c>, <c>:Role</c>, <c>:Name</c>.</summary>
public sealed class ApiKey
{
    public string Key { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>Who holds the key; recorded as the actor of case actions that name no one else.</summary>
    public string? Name { get; set; }
}
