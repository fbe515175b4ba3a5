using CityOps.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddCityOps(demo: args.Contains("--demo"));

var app = builder.Build();
app.MapCityOps();
app.Run();

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
