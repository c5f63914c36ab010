namespace DigitApi.IntegrationTests;

/// <summary>The committed sample images under TestData/images, each a photo-like 7.</summary>
public static class TestFiles
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "images");

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    /// <summary>A clean 7 as a PNG.</summary>
    public static byte[] Seven => Read("seven-rgb24.png");

    public static TheoryData<string> Sevens()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "seven*").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }
}
