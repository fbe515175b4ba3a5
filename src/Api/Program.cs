using CityOps.Api;

// appsettings.json ships beside the binaries; relative paths in it (./data, ./rules) still
// resolve against the directory CityOps is started from.
// --demo is a switch, not a setting: kept out of configuration, where it would swallow the next argument.
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args.Where(a => a != "--demo")], ContentRootPath = AppContext.BaseDirectory });
builder.AddCityOps(demo);

var app = builder.Build();
app.MapCityOps();
app.Run();

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
