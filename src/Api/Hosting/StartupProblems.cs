using Microsoft.Extensions.Options;

namespace CityOps.Api.Hosting;

/// <summary>
/// A configuration that cannot work stops start-up with what is wrong, in plain lines (key, value, rule), and exit
/// code <see cref="ExitCode"/>: an operator reads the terminal or the journal, not a stack trace.
/// </summary>
public static class StartupProblems
{
    /// <summary>EX_CONFIG of sysexits.h: "something was found in an unconfigured or misconfigured state".</summary>
    public const int ExitCode = 78;

    /// <summary>
    /// Runs every <c>ValidateOnStart</c> check now, before anything is mapped or started, so every section's problems
    /// are collected at once and the host never logs them as a failed start.
    /// </summary>
    public static void ValidateAll(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The configuration problems <paramref name="exception"/> reports; empty when it is not about configuration.</summary>
    public static IReadOnlyList<string> Describe(Exception exception)
    {
        var lines = new List<string>();
        Collect(exception, lines);
        return lines;
    }

    public static void Print(IReadOnlyList<string> problems, TextWriter error)
    {
        error.WriteLine(problems.Count == 1
            ? "CityOps did not start: the configuration has 1 problem."
            : $"CityOps did not start: the configuration has {problems.Count} problems.");
        foreach (var problem in problems)
        {
            error.WriteLine("  " + problem);
        }

        error.WriteLine("Set them in appsettings.json, as environment variables (CityOps__Section__Key) or as --CityOps:Section:Key=value.");
    }

    private static void Collect(Exception exception, List<string> lines)
    {
        switch (exception)
        {
            case OptionsValidationException options:
                lines.AddRange(options.Failures);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                break;

            // "Failed to convert configuration value 'x' at 'CityOps:Mqtt:Port' to type 'System.Int32'.": key, value and
            // rule already; the binder throws it before any check can run.
            case InvalidOperationException binding when binding.Source == "Microsoft.Extensions.Configuration.Binder":
                lines.Add(binding.Message);
                break;
        }
    }
}
