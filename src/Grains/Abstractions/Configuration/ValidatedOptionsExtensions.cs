using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Configuration;

/// <summary>
/// The one way a CityOps part registers its options: bound once from its section, checked by the part's own rules
/// when the host starts (never first inside a timer), every problem a plain line. Lives in Abstractions because it
/// is the one project every part (ingest, grains, the API host) references.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it on start with
    /// <paramref name="check"/>. A second call for the same type is ignored, so two parts may both ask for it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IHostApplicationBuilder builder, string section, Action<TOptions, OptionsProblems> check)
        where TOptions : class
    {
        var options = new OptionsBuilder<TOptions>(builder.Services, Options.DefaultName);
        if (builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationInstance is CheckedOptionsValidator<TOptions>))
        {
            return options;
        }

        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new CheckedOptionsValidator<TOptions>(section, check));
        return builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
