using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// The request path's SIMD and run-based kernels against plain per-pixel reference versions, on random
/// images of awkward sizes (vector tails, one-pixel rows and columns).
/// </summary>
public class PixelKernelTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Flattening_matches_per_pixel_alpha_blending(int seed)
    {
        var random = new Random(seed);
        foreach (var (width, height) in Sizes(random))
        {
            var rgba = RandomRgba(random, width, height, seed % 4);

            Assert.Equal(ReferenceFlatten(rgba, width, height), RgbaFlattener.ToGray(rgba, width, height));
        }
    }

    [Fact]
    public void Opaque_pixels_keep_their_luma_and_transparency_takes_the_contrasting_background()
    {
        byte[] darkOnClear = [0, 0, 0, 255, /* transparent */ 9, 9, 9, 0, 9, 9, 9, 0, 9, 9, 9, 0];
        byte[] lightOnClear = [255, 255, 255, 255, 9, 9, 9, 0, 9, 9, 9, 0, 9, 9, 9, 0];
        byte[] opaque = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 128, 128, 128, 255];

        Assert.Equal([0, 255, 255, 255], RgbaFlattener.ToGray(darkOnClear, 4, 1));
        Assert.Equal([255, 0, 0, 0], RgbaFlattener.ToGray(lightOnClear, 4, 1));
        Assert.Equal([77, 149, 29, 128], RgbaFlattener.ToGray(opaque, 4, 1));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Labelling_matches_a_flood_fill(int seed)
    {
        var random = new Random(seed);
        foreach (var (width, height) in Sizes(random))
        {
            var density = random.NextDouble();
            var mask = Enumerable.Range(0, width * height).Select(_ => random.NextDouble() < density).ToArray();
            var values = Enumerable.Range(0, width * height).Select(_ => (byte)random.Next(256)).ToArray();

            var (labels, components) = ConnectedComponents.Label(mask, width, height, values);
            var (expectedLabels, expectedComponents) = ReferenceLabel(mask, width, height, values);

            Assert.Equal(expectedLabels, labels);
            Assert.Equal(expectedComponents, components);
        }
    }

    [Fact]
    public void Diagonal_neighbours_are_one_component_and_a_gap_makes_two()
    {
        bool[] mask =
        [
            true, false, false, true,
            false, true, false, true,
            false, false, false, false,
        ];

        var (labels, components) = ConnectedComponents.Label(mask, 4, 3);

        Assert.Equal([1, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 0], labels);
        Assert.Equal([2, 2], components.Select(c => c.Area));
    }

    [Theory]
    [InlineData(280, 280, 200, 200)]
    [InlineData(1200, 37, 200, 6)]
    [InlineData(33, 70, 15, 32)]
    [InlineData(20, 10, 40, 20)]
    [InlineData(1, 1, 3, 3)]
    public void Eight_bit_resampling_matches_the_float_resampler(int sw, int sh, int tw, int th)
    {
        var random = new Random(sw * th);
        var source = Enumerable.Range(0, sw * sh).Select(_ => (byte)random.Next(256)).ToArray();

        var bytes = AreaResampler.Resample(source, sw, sh, tw, th);
        var floats = AreaResampler.Resample(source.Select(b => (float)b).ToArray(), sw, sh, tw, th);

        // Same weights, summed in another order: at most one step apart where a value sits on .5.
        Assert.All(bytes.Zip(floats), pair => Assert.InRange(pair.First - Math.Clamp(pair.Second, 0, 255), -0.51, 0.51));
    }

    [Fact]
    public void Reducing_a_flat_image_keeps_its_value()
    {
        var flat = Enumerable.Repeat((byte)173, 280 * 190).ToArray();

        Assert.All(AreaResampler.Resample(flat, 280, 190, 200, 136), v => Assert.Equal(173, v));
    }

    private static IEnumerable<(int Width, int Height)> Sizes(Random random) =>
        [(1, 1), (1, 57), (57, 1), (31, 3), (33, 5), (random.Next(2, 90), random.Next(2, 90)), (200, 150)];

    // Mode 0: anything; 1: opaque; 2: light strokes on a clear canvas; 3: dark strokes with soft edges.
    private static byte[] RandomRgba(Random random, int width, int height, int mode)
    {
        var rgba = new byte[width * height * 4];
        random.NextBytes(rgba);
        for (var i = 0; i < width * height; i++)
        {
            var ink = random.Next(8) == 0;
            switch (mode)
            {
                case 1:
                    rgba[(i * 4) + 3] = 255;
                    break;
                case 2:
                    (rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2]) = ((byte)240, (byte)250, (byte)245);
                    rgba[(i * 4) + 3] = ink ? (byte)255 : (byte)0;
                    break;
                case 3:
                    (rgba[i * 4], rgba[(i * 4) + 1], rgba[(i * 4) + 2]) = ((byte)10, (byte)20, (byte)30);
                    rgba[(i * 4) + 3] = ink ? (byte)random.Next(100, 256) : (byte)0;
                    break;
            }
        }

        return rgba;
    }

    private static byte[] ReferenceFlatten(byte[] rgba, int width, int height)
    {
        var count = width * height;
        var luma = new int[count];
        long opaqueLuma = 0, opaqueCount = 0;
        for (var i = 0; i < count; i++)
        {
            luma[i] = ((rgba[i * 4] * 77) + (rgba[(i * 4) + 1] * 150) + (rgba[(i * 4) + 2] * 29) + 128) >> 8;
            if (rgba[(i * 4) + 3] > 127)
            {
                opaqueLuma += luma[i];
                opaqueCount++;
            }
        }

        var lightStrokes = count - opaqueCount > count / 20 && opaqueCount > 0 && opaqueLuma / opaqueCount > 127;
        var background = lightStrokes ? 0 : 255;
        return luma.Select((y, i) => (byte)Math.Round(((y * rgba[(i * 4) + 3]) + (background * (255 - rgba[(i * 4) + 3]))) / 255.0)).ToArray();
    }

    private static (int[] Labels, List<InkComponent> Components) ReferenceLabel(bool[] mask, int width, int height, byte[] values)
    {
        var labels = new int[mask.Length];
        var components = new List<InkComponent>();
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || labels[start] != 0)
            {
                continue;
            }

            var label = components.Count + 1;
            var pixels = new List<int>();
            var pending = new Stack<int>([start]);
            labels[start] = label;
            while (pending.TryPop(out var index))
            {
                pixels.Add(index);
                var (x, y) = (index % width, index / width);
                foreach (var (nx, ny) in from dy in new[] { -1, 0, 1 } from dx in new[] { -1, 0, 1 } select (x + dx, y + dy))
                {
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height && mask[(ny * width) + nx] && labels[(ny * width) + nx] == 0)
                    {
                        labels[(ny * width) + nx] = label;
                        pending.Push((ny * width) + nx);
                    }
                }
            }

            var (minX, maxX) = (pixels.Min(p => p % width), pixels.Max(p => p % width));
            var (minY, maxY) = (pixels.Min(p => p / width), pixels.Max(p => p / width));
            components.Add(new InkComponent(label, pixels.Count, new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), pixels.Average(p => (double)values[p])));
        }

        return (labels, components);
    }
}
