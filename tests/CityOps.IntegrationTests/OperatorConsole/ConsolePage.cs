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

    /// <summary>
    /// The page's own measurements (Navigation and Resource Timing, cold cache): load time, requests and bytes, both as sent
    /// over the wire (<c>transferSize</c>: headers and body) and as bodies (<c>encodedBodySize</c>; nothing is compressed).
    /// </summary>
    public async Task<string> LoadReportAsync(TimeSpan ready, string what)
    {
        var timing = await Page.EvaluateAsync<double[]>("""
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const resources = performance.getEntriesByType('resource');
              const sum = (list, f) => list.reduce((s, r) => s + (r[f] || 0), nav[f] || 0);
              const statics = resources.filter(r => !r.name.includes('/api/'));
              return [nav.domContentLoadedEventEnd, nav.loadEventEnd, sum(resources, 'encodedBodySize'), sum(statics, 'encodedBodySize'),
                      resources.length + 1, sum(resources, 'transferSize')];
            }
            """);
        return $"domContentLoaded {timing[0]:F0} ms, load {timing[1]:F0} ms, {what} {ready.TotalMilliseconds:F0} ms after navigation start; "
            + $"{timing[4]} requests, {timing[5] / 1024:F0} KiB transferred, {timing[2] / 1024:F0} KiB of bodies, {timing[3] / 1024:F0} KiB of page and scripts (uncompressed)";
    }

    public async Task ScreenshotAsync(string name)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.ArtifactsFolder(), name + ".png") });
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
