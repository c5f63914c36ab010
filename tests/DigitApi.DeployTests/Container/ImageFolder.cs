namespace DigitApi.DeployTests.Container;

/// <summary>
/// The temporary folder an image is replayed into: reachable by the app's user (who is another user when the tests
/// run as root), made read-only once the image is built, as a container's root filesystem would be, and deleted at the end.
/// </summary>
public sealed class ImageFolder : IDisposable
{
    public ImageFolder(string prefix)
    {
        Root = Directory.CreateTempSubdirectory(prefix);
        File.SetUnixFileMode(Root.FullName, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(ReadOnlyFolder);
    }

    public DirectoryInfo Root { get; }

    /// <summary>HOME and TMPDIR of the running instances: exists, readable, not writable.</summary>
    public string ReadOnlyFolder => Path.Combine(Root.FullName, "read-only");

    /// <summary>Nothing in the image or in <see cref="ReadOnlyFolder"/> stays writable, for the app's user or any other.</summary>
    public void Seal(string rootFs)
    {
        MakeReadOnly(new DirectoryInfo(rootFs));
        MakeReadOnly(new DirectoryInfo(ReadOnlyFolder));
    }

    public void Dispose()
    {
        foreach (var dir in Root.EnumerateDirectories("*", SearchOption.AllDirectories).Prepend(Root))
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
        }

        Root.Delete(recursive: true);
    }

    private static void MakeReadOnly(DirectoryInfo root)
    {
        foreach (var file in root.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file.FullName, File.GetUnixFileMode(file.FullName) & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }

        foreach (var dir in root.EnumerateDirectories("*", SearchOption.AllDirectories).Append(root))
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b101_101_101);
        }
    }
}
