namespace DigitApi.DeployTests.Tooling;

/// <summary>The checkout the tests run from: found by walking up from the test binaries to DigitApi.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DigitApi.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DigitApi.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => LazyRoot.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));
}
