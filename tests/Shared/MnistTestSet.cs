using System.IO.Compression;

namespace DigitApi.Tests;

/// <summary>The official MNIST test set from tests/TestData/mnist (gzip IDX files).</summary>
public sealed class MnistTestSet
{
    private static readonly Lazy<MnistTestSet> Shared = new(() => Load(Path.Combine(AppContext.BaseDirectory, "TestData", "mnist")));

    private MnistTestSet(byte[][] images, byte[] labels)
    {
        Images = images;
        Labels = labels;
    }

    public static MnistTestSet Instance => Shared.Value;

    /// <summary>28x28 row-major, light ink on black, as published.</summary>
    public IReadOnlyList<byte[]> Images { get; }

    public IReadOnlyList<byte> Labels { get; }

    public int Count => Labels.Count;

    private static MnistTestSet Load(string folder)
    {
        var images = ReadIdx(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        var labels = ReadIdx(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
        const int size = 28 * 28;
        var count = labels.Length - 8;
        var result = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            result[i] = images.AsSpan(16 + (i * size), size).ToArray();
        }

        return new MnistTestSet(result, labels[8..]);
    }

    private static byte[] ReadIdx(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
