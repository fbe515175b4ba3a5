using CityOps.Api;
using CityOps.Api.Cli;
using CityOps.Api.Hosting;

// `rules validate` and `rules test` are tools for engineers and CI: answered before any host, silo or broker starts.
if (args is ["rules", ..])
{
    return RulesCommand.Run(args[1..], Console.Out, Console.Error);
}

try
{
    // appsettings.json ships beside the binaries; relative paths in it (./data, ./rules) still
    // resolve against the directory CityOps is started from.
    // --demo is a switch, not a setting: kept out of configuration, where it would swallow the next argument.
    var demo = args.Contains("--demo");
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args.Where(a => a != "--demo")], ContentRootPath = AppContext.BaseDirectory });
    builder.AddCityOps(demo);

    var app = builder.Build();
    StartupProblems.ValidateAll(app.Services);
    app.MapCityOps();
    app.Run();
    return 0;
}
catch (Exception e) when (StartupProblems.Describe(e) is { Count: > 0 } problems)
{
    StartupProblems.Print(problems, Console.Error);
    return StartupProblems.ExitCode;
}

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
