using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DigitApi.Imaging;

/// <summary>
/// The pixels around one digit as flat byte planes, one pixel wider on every side than the area asked for so
/// that each of its pixels has all eight neighbours, zero outside the image: the digit's own (kept) components,
/// other components, the ink mask and the ink values. Built once per digit, so that what the normaliser asks
/// of every pixel (stroke width, which soft edges belong to the digit) is a few whole-plane SIMD operations
/// instead of a label lookup and a neighbourhood walk per pixel.
/// </summary>
internal sealed class DigitRegion : IDisposable
{
    private const byte Set = 0xFF;

    // Kept, other, mask and ink, then two of scratch.
    private const int Planes = 6;

    private readonly byte[] _planes;
    private readonly int _length;

    private DigitRegion(PixelBox box)
    {
        (X, Y, Width, Height) = (box.X, box.Y, box.Width, box.Height);
        _length = Width * Height;
        _planes = ArrayPool<byte>.Shared.Rent(Planes * _length);
    }

    // Image column and row of the region's first pixel, and its size.
    private int X { get; }

    private int Y { get; }

    private int Width { get; }

    private int Height { get; }

    // 0xFF where the pixel carries one of the digit's labels.
    private Span<byte> Kept => Plane(0);

    // 0xFF where the pixel carries another component's label.
    private Span<byte> Other => Plane(1);

    // 1 where the ink mask is set (the mask's own bytes).
    private Span<byte> Mask => Plane(2);

    // The ink values, 0 outside the image.
    private Span<byte> Ink => Plane(3);

    /// <summary>The region covering <paramref name="area"/> and one pixel around it.</summary>
    /// <param name="ink">The extracted ink.</param>
    /// <param name="labels">Component labels of the ink, 0 for none.</param>
    /// <param name="keep">The labels that make up the digit.</param>
    /// <param name="area">The area of interest, in image pixels; it may reach beyond the image.</param>
    public static DigitRegion Around(InkImage ink, int[] labels, IReadOnlySet<int> keep, PixelBox area)
    {
        var region = new DigitRegion(area.Grown(1));
        if (region.X < 0 || region.Y < 0 || region.X + region.Width > ink.Width || region.Y + region.Height > ink.Height)
        {
            // Only pixels inside the image are copied below; the rest must read as nothing. (The scratch planes
            // need no clearing: every value read from them is written first, but for the outer ring's.)
            region._planes.AsSpan(0, 4 * region._length).Clear();
        }

        // Label 0 is no component's; each pixel's label is looked up.
        var keptLabels = keep.Where(label => label > 0).ToArray();
        var isKept = new bool[keptLabels.Length == 0 ? 1 : keptLabels.Max() + 1];
        foreach (var label in keptLabels)
        {
            isKept[label] = true;
        }

        var mask = MemoryMarshal.AsBytes(ink.Mask.AsSpan());
        var (x0, x1) = (Math.Max(0, region.X), Math.Min(ink.Width, region.X + region.Width));
        for (var y = Math.Max(0, region.Y); y < Math.Min(ink.Height, region.Y + region.Height) && x0 < x1; y++)
        {
            var (from, to, count) = ((y * ink.Width) + x0, ((y - region.Y) * region.Width) + (x0 - region.X), x1 - x0);
            mask.Slice(from, count).CopyTo(region.Mask.Slice(to, count));
            ink.Ink.AsSpan(from, count).CopyTo(region.Ink.Slice(to, count));
            Classify(labels.AsSpan(from, count), isKept, region.Kept.Slice(to, count), region.Other.Slice(to, count));
        }

        return region;
    }

    // Index of image pixel (x, y) in the planes.
    private int IndexOf(int x, int y) => ((y - Y) * Width) + (x - X);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_planes);

    private Span<byte> Plane(int k) => _planes.AsSpan(k * _length, _length);

    // Runs of unlabelled pixels (most of a region) are cleared whole; labelled ones are looked up pixel by pixel.
    private static void Classify(ReadOnlySpan<int> labels, bool[] isKept, Span<byte> kept, Span<byte> other)
    {
        for (var i = 0; i < labels.Length;)
        {
            var labelled = labels[i..].IndexOfAnyExcept(0);
            var end = labelled < 0 ? labels.Length : i + labelled;
            kept[i..end].Clear();
            other[i..end].Clear();
            for (i = end; i < labels.Length && labels[i] != 0; i++)
            {
                var labelKept = labels[i] < isKept.Length && isKept[labels[i]];
                (kept[i], other[i]) = labelKept ? (Set, (byte)0) : ((byte)0, Set);
            }
        }
    }

    /// <summary>
    /// Pixels of the digit that lie on its outline: kept, and on the image edge or next to a pixel outside the
    /// ink mask (4-connected). Counts within <paramref name="box"/>; returns (kept pixels, outline pixels).
    /// </summary>
    public (int Area, int Outline) CountOutline(PixelBox box)
    {
        // interior = kept & the mask left, right, above and below: whole planes, shifted (pixels of the outer
        // ring read across a row's end, and are never counted).
        var interior = Plane(4);
        var at = Width;
        var inner = _length - (2 * Width);
        var kept = Kept;
        var mask = Mask;
        var target = interior.Slice(at, inner);
        TensorPrimitives.BitwiseAnd(kept.Slice(at, inner), mask.Slice(at - 1, inner), target);
        TensorPrimitives.BitwiseAnd(target, mask.Slice(at + 1, inner), target);
        TensorPrimitives.BitwiseAnd(target, mask.Slice(at - Width, inner), target);
        TensorPrimitives.BitwiseAnd(target, mask.Slice(at + Width, inner), target);

        int area = 0, inside = 0;
        for (var y = box.Y; y < box.Bottom; y++)
        {
            var row = IndexOf(box.X, y);
            area += kept.Slice(row, box.Width).Count(Set);
            inside += interior.Slice(row, box.Width).Count((byte)1);
        }

        return (area, area - inside);
    }

    /// <summary>
    /// The ink of the digit over the region less its one-pixel margin, as values in [0, 1] row by row: its
    /// kept pixels, and unlabelled ink (anti-aliased edges) next to a kept pixel (8-connected); nothing else.
    /// </summary>
    public float[] DigitInk()
    {
        // Kept pixels grown by one in every direction: across (left | self | right), then down the columns.
        var across = Plane(4);
        var grown = Plane(5);
        var kept = Kept;
        var n = _length - 2;
        TensorPrimitives.BitwiseOr(kept[..n], kept.Slice(2, n), across.Slice(1, n));
        TensorPrimitives.BitwiseOr(across.Slice(1, n), kept.Slice(1, n), across.Slice(1, n));
        var inner = _length - (2 * Width);
        var target = grown.Slice(Width, inner);
        TensorPrimitives.BitwiseOr(across[..inner], across.Slice(2 * Width, inner), target);
        TensorPrimitives.BitwiseOr(target, across.Slice(Width, inner), target);

        // Of those, what another component does not own keeps its ink.
        var notOther = across; // reused: its values are no longer needed
        TensorPrimitives.OnesComplement(Other, notOther);
        TensorPrimitives.BitwiseAnd(grown, notOther, grown);
        TensorPrimitives.BitwiseAnd(grown, Ink, grown);

        var (w, h) = (Width - 2, Height - 2);
        var result = GC.AllocateUninitializedArray<float>(w * h);
        for (var y = 0; y < h; y++)
        {
            var row = result.AsSpan(y * w, w);
            AreaResampler.ToSingle(grown.Slice(((y + 1) * Width) + 1, w), row);
            TensorPrimitives.Divide(row, 255f, row);
        }

        return result;
    }
}
