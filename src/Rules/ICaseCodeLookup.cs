namespace CityOps.Rules;

/// <summary>
/// The 部件/事件 code tables in force, for checking a rule's <c>case.code</c>. Passed in by the host, like
/// <see cref="IZoneLookup"/>; when absent, codes are not checked.
/// </summary>
public interface ICaseCodeLookup
{
    /// <summary>Whether <paramref name="code"/> is in the table of <paramref name="codeType"/> (<c>component</c> or <c>event</c>), or in either when null.</summary>
    bool Knows(string code, string? codeType);
}
