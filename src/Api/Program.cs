using CityOps.Api;

// appsettings.json ships beside the binaries; relative paths in it (./data, ./rules) still
// resolve against the directory CityOps is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCityOps(demo: args.Contains("--demo"));

var app = builder.Build();
app.MapCityOps();
app.Run();

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
