using Microsoft.Extensions.Options;

namespace CityOps.Grains.Configuration;

/// <summary>Runs an options class's checks and reports every problem at once, each naming its key, value and rule.</summary>
public sealed class CheckedOptionsValidator<TOptions>(string section, Action<TOptions, OptionsProblems> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    public string Section { get; } = section;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = new OptionsProblems(Section);
        check(options, problems);
        return problems.Lines.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Lines);
    }
}
