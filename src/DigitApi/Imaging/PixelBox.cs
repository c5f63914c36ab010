namespace DigitApi.Imaging;

/// <summary>An axis-aligned rectangle in pixels; X and Y are the top-left corner.</summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public PixelBox Union(PixelBox other)
    {
        var x = Math.Min(X, other.X);
        var y = Math.Min(Y, other.Y);
        return new PixelBox(x, y, Math.Max(Right, other.Right) - x, Math.Max(Bottom, other.Bottom) - y);
    }

    /// <summary>Whether the two boxes share at least one pixel.</summary>
    public bool Overlaps(PixelBox other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;

    /// <summary>The box with <paramref name="by"/> more pixels on every side.</summary>
    public PixelBox Grown(int by) => new(X - by, Y - by, Width + (2 * by), Height + (2 * by));

    /// <summary>Maps a box found on a reduced image back to the coordinates of the original.</summary>
    public PixelBox Scale(double sx, double sy) =>
        new((int)Math.Floor(X * sx), (int)Math.Floor(Y * sy), (int)Math.Ceiling(Width * sx), (int)Math.Ceiling(Height * sy));
}
