using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>Photos from the training pipeline's upload generator, each with the box its digit was drawn in.</summary>
public static class DrawnDigitPhotos
{
    /// <summary>
    /// Through the service's decoder and preprocessing, the ink chosen is the digit drawn (its box overlaps the drawn
    /// box by at least half, intersection over union), and the default model reads it.
    /// </summary>
    public static void AssertFoundAndRead(Pipeline pipeline, string file, int digit, PixelBox drawn)
    {
        var upload = SkiaImageDecoderTests.Read(file);
        var image = pipeline.Decoder.Decode(upload);

        var found = DigitPreprocessor.Prepare(image).Box.Scale(image.SourceScaleX, image.SourceScaleY);
        var read = pipeline.Classify([upload])[0];

        Assert.True(Overlap(found, drawn) >= 0.5, $"found {found}, drawn {drawn}");
        Assert.Equal(digit, read);
    }

    private static double Overlap(PixelBox a, PixelBox b)
    {
        var width = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X));
        var height = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));
        var inter = width * height;
        return (double)inter / ((a.Width * a.Height) + (b.Width * b.Height) - inter);
    }
}
