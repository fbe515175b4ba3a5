using Microsoft.Playwright;

namespace CityOps.Tests.OperatorConsole;

/// <summary>A console tab that records every request it makes, so each test can check it never left its origin.</summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly List<string> _requests = [];

    public ConsolePage(IBrowserContext context, IPage page, string origin)
    {
        Context = context;
        Page = page;
        Origin = origin;
        context.Request += (_, request) =>
        {
            lock (_requests)
            {
                _requests.Add(request.Url);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Origin { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every request went to the page's own origin (data: URLs are no requests to anyone).</summary>
    public void AssertSameOrigin()
    {
        var requests = Requests;
        Assert.NotEmpty(requests);
        var foreign = requests.Where(u => !u.StartsWith(Origin + "/", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, "requests outside the origin: " + string.Join(", ", foreign));
    }

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.ArtifactsFolder(), name + ".png") });
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
