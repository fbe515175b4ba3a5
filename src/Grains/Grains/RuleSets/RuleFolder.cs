using CityOps.Rules;

namespace CityOps.Grains.RuleSets;

/// <summary>A rule folder on disk: its rule files (every <c>*.yaml</c> but <c>kinds.yaml</c>) and its kind catalog file.</summary>
public static class RuleFolder
{
    /// <summary>The rule files, by file name (or by full path with <paramref name="fullPaths"/>), in ordinal order.</summary>
    public static Dictionary<string, string> RuleFiles(string folder, bool fullPaths = false) =>
        Directory.EnumerateFiles(folder, "*.yaml")
            .Where(f => !KindFile.IsKindFile(f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => fullPaths ? Path.Combine(folder, Path.GetFileName(f)) : Path.GetFileName(f), File.ReadAllText);

    /// <summary>The built-in kinds with the folder's <c>kinds.yaml</c> laid over them (as they are when it has none); its errors go to <paramref name="errors"/>.</summary>
    public static KindCatalog Kinds(string folder, List<RuleError> errors)
    {
        var file = Path.Combine(folder, KindFile.FileName);
        return File.Exists(file) ? KindFile.Read(file, File.ReadAllText(file), KindCatalog.Default, errors) : KindCatalog.Default;
    }
}
