namespace CityOps.Tests.Infrastructure;

/// <summary>What one run of an external client printed, and how it exited.</summary>
public sealed record ClientRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Output.Trim()}; stderr: {Error.Trim()}";
}
