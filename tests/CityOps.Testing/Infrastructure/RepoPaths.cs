namespace CityOps.Tests.Infrastructure;

/// <summary>Finds the repository (the folder holding CityOps.sln) from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rules => Path.Combine(Root, "rules");

    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CityOps.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CityOps.sln not found above " + AppContext.BaseDirectory);
    }
}
