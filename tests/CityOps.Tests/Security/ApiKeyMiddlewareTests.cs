using CityOps.Grains.Configuration;
using System.Net;
using CityOps.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Security;

public sealed class ApiKeyMiddlewareTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    private static async Task<(int Status, bool Passed)> Send(AuthOptions options, string method, string path, IPAddress remote, string? key = null)
    {
        var passed = false;
        var middleware = new ApiKeyMiddleware(_ => { passed = true; return Task.CompletedTask; }, Options.Create(options), Services.GetRequiredService<IProblemDetailsService>());
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = remote;
        context.Response.Body = new MemoryStream();
        if (key is not null)
        {
            context.Request.Headers["X-Api-Key"] = key;
        }

        await middleware.InvokeAsync(context);
        return (context.Response.StatusCode, passed);
    }

    [Fact]
    public async Task Without_keys_the_api_answers_loopback_clients_only()
    {
        var open = new AuthOptions();

        Assert.Equal((200, true), await Send(open, "POST", "/api/v1/cases", IPAddress.Loopback));
        Assert.Equal((200, true), await Send(open, "GET", "/api/v1/cases", IPAddress.IPv6Loopback));
        Assert.Equal((403, false), await Send(open, "GET", "/api/v1/cases", IPAddress.Parse("10.1.2.3")));
        Assert.Equal((200, true), await Send(open, "GET", "/healthz", IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task With_keys_remote_clients_are_served_by_role()
    {
        var keys = new AuthOptions { ApiKeys = [new ApiKey { Key = "engineer-key-0123456789", Role = "engineer", Name = "eng" }] };
        var remote = IPAddress.Parse("10.1.2.3");

        Assert.Equal((200, true), await Send(keys, "PUT", "/api/v1/rules", remote, "engineer-key-0123456789"));
        Assert.Equal((403, false), await Send(keys, "POST", "/api/v1/cases/x/actions", remote, "engineer-key-0123456789"));
        Assert.Equal((401, false), await Send(keys, "GET", "/api/v1/cases", remote));
    }

    [Theory]
    [InlineData("short", "viewer")]
    [InlineData("long-enough-key-0123456789", "superuser")]
    [InlineData("long-enough-key-0123456789", "3")]
    public void Bad_key_configuration_is_reported(string key, string role)
    {
        var problems = new OptionsProblems(AuthOptions.Section);
        AuthOptions.Check(new AuthOptions { ApiKeys = [new ApiKey { Key = key, Role = role }] }, problems);
        var line = Assert.Single(problems.Lines);
        Assert.StartsWith("CityOps:Auth:ApiKeys:0:", line);
        Assert.DoesNotContain(key, line);
    }

    [Fact]
    public void Body_limits_are_small_except_for_imports_zones_and_rules()
    {
        Assert.Equal(64 * 1024, AccessPolicy.BodyLimit("/api/v1/silences"));
        Assert.Equal(1024 * 1024, AccessPolicy.BodyLimit("/api/v1/rules"));
        Assert.Equal(32 * 1024 * 1024, AccessPolicy.BodyLimit("/api/v1/devices/import"));
    }
}
