using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>How well the box the service found matches the box a digit was drawn in.</summary>
public static class BoxOverlap
{
    /// <summary>Intersection over union.</summary>
    public static double Of(PixelBox a, PixelBox b)
    {
        var width = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X));
        var height = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));
        var inter = width * height;
        return (double)inter / ((a.Width * a.Height) + (b.Width * b.Height) - inter);
    }
}
