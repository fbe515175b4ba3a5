using CityOps.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CityOps.Tests.OperatorConsole;

/// <summary>
/// Debian's chromium driven by Playwright: never a downloaded browser (<c>playwright install</c> is not run;
/// ./test.sh installs the <c>chromium</c> package). Missing chromium fails the tests instead of skipping them,
/// so CI cannot pass without the browser tests having run.
/// </summary>
public static class ConsoleBrowser
{
    public const string Chromium = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("CITYOPS_CHROMIUM") is { Length: > 0 } custom ? custom : Chromium;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No chromium at {path}: install the Debian package (apt-get install chromium); ./test.sh does.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = Arguments,
            Timeout = 120_000,
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Where the tests leave their screenshots and measurements: <c>TestResults/console/</c> at the repository root
    /// (ignored by git; CI keeps it as an artifact), or <c>CITYOPS_CONSOLE_ARTIFACTS</c>.
    /// </summary>
    public static string ArtifactsFolder()
    {
        var folder = Environment.GetEnvironmentVariable("CITYOPS_CONSOLE_ARTIFACTS") is { Length: > 0 } custom
            ? custom
            : Path.Combine(RepoPaths.Root, "TestResults", "console");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
