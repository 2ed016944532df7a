namespace Mpc.TestSupport;

/// <summary>Locations tests read from: the repository root and the shared data next to it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<string> LazyShared = new(FindShared);

    /// <summary>The repository root (the folder holding MpcCompiler.sln).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// The shared data and TensorFlow fixtures (read-only): <c>$MPC_SHARED</c> if set, else
    /// <c>../shared</c> next to the repository, else <c>/work/shared</c> (a clone made elsewhere).
    /// </summary>
    public static string Shared => LazyShared.Value;

    public static string Fixtures => Path.Combine(Shared, "fixtures");

    public static string Data => Path.Combine(Shared, "data");

    public static string Models => Path.Combine(Root, "models");

    private static string FindShared()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MPC_SHARED");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        var sibling = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
        return Directory.Exists(sibling) || !Directory.Exists("/work/shared") ? sibling : "/work/shared";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MpcCompiler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"MpcCompiler.sln not found above {AppContext.BaseDirectory}");
    }
}
