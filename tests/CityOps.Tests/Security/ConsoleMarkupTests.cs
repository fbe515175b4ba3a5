using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CityOps.Tests.Security;

/// <summary>
/// The console shows names, titles and notes that anyone with a device or an API key can set (16.10): they must reach the
/// page as text, never as markup. The console builds its DOM with text nodes (dom.js); these checks keep every script
/// off the sinks that parse HTML, Leaflet's string tooltips and popups included.
/// </summary>
public partial class ConsoleMarkupTests
{
    [GeneratedRegex(@"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser")]
    private static partial Regex HtmlSinks();

    // Leaflet treats a string as HTML; an element (el(...)) is inserted as it is.
    [GeneratedRegex(@"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\((?!\s*el\()")]
    private static partial Regex LeafletStringContent();

    public static TheoryData<string> Scripts() => [.. ScriptFiles()];

    private static List<string> ScriptFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Api", "wwwroot", "console"), "*.js", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryRoot(), file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Console_script_puts_no_data_into_html(string script)
    {
        var problems = File.ReadAllLines(Path.Combine(RepositoryRoot(), script))
            .Select((line, i) => (Line: i + 1, Text: line))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => HtmlSinks().IsMatch(l.Text) || LeafletStringContent().IsMatch(l.Text))
            .Select(l => $"{script}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_console_view_is_checked()
    {
        Assert.Contains("src/Api/wwwroot/console/views/map.js", ScriptFiles());
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CityOps.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("CityOps.sln not found above the tests");
    }
}
