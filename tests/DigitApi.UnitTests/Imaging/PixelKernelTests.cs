using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// The request path's SIMD, table and run-based kernels against plain per-pixel reference versions, on random
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

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Dilation_matches_a_per_pixel_window_maximum(int seed)
    {
        var random = new Random(seed);
        foreach (var (width, height) in Sizes(random))
        {
            var ink = Enumerable.Range(0, width * height).Select(_ => random.Next(4) == 0 ? (float)random.NextDouble() : 0f).ToArray();
            var radius = random.Next(1, 9);

            Assert.Equal(ReferenceDilate(ink, width, height, radius), DigitNormalizer.Dilate(ink, width, height, radius));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Opening_matches_the_lowest_then_highest_in_each_square(int seed)
    {
        var random = new Random(seed);
        foreach (var (width, height) in Sizes(random))
        {
            var values = Enumerable.Range(0, width * height).Select(_ => (byte)random.Next(256)).ToArray();
            var reach = random.Next(1, 10);

            Assert.Equal(ReferenceOpening(values, width, height, reach), PaperBackground.Opening(values, width, height, reach));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Complement_percentile_matches_the_percentile_of_reversed_counts(int seed)
    {
        var random = new Random(seed);
        var counts = Enumerable.Range(0, 256).Select(_ => random.Next(3) == 0 ? random.Next(50) : 0).ToArray();
        var reversed = counts.Reverse().ToArray();
        foreach (var fraction in new[] { 0.002, 0.5, 0.9, 0.998, 1.0 })
        {
            Assert.Equal(InkExtractor.Percentile(reversed, fraction), InkExtractor.ComplementPercentile(counts, fraction, counts.Sum()));
        }
    }

    // Counts with empty ends and runs (the walk skips to the first count), a single value, and none at all.
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Several_percentiles_in_one_walk_match_each_taken_alone(int seed)
    {
        var random = new Random(seed);
        double[] fractions = [0.002, 0.01, 0.1, 0.5, 0.9, 0.999, 1.0];
        var (low, high) = (random.Next(256), random.Next(256));
        var spread = Enumerable.Range(0, 256).Select(v => v >= Math.Min(low, high) && v <= Math.Max(low, high) && random.Next(3) == 0 ? random.Next(50) : 0).ToArray();
        var single = new int[256];
        single[random.Next(256)] = 1 + random.Next(400);
        foreach (var counts in new[] { spread, single, new int[256] })
        {
            var (up, down) = (new int[fractions.Length], new int[fractions.Length]);

            InkExtractor.Percentiles(counts, counts.Sum(), fractions, up);
            InkExtractor.Percentiles(counts, counts.Sum(), fractions, down, fromTop: true);

            Assert.Equal(fractions.Select(f => ReferencePercentile(counts, f)), up);
            Assert.Equal(fractions.Select(f => ReferencePercentile([.. counts.Reverse()], f)), down);
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

    // Shaded paper (a background to subtract), the same under a shadow with a sharp edge, and clean paper as on a
    // canvas (none: the first count serves).
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Ink_extraction_matches_per_pixel_background_subtraction(int seed)
    {
        var random = new Random(seed);
        foreach (var (clean, shadow) in new[] { (false, false), (false, true), (true, false) })
        {
            foreach (var (width, height) in Sizes(random).Append((280, 200)).Append((150, 200)))
            {
                var image = new GrayImage(width, height, ShadedPaperWithStrokes(random, width, height, darkInk: seed % 2 == 0, clean, shadow));

                var ink = InkExtractor.Extract(image);
                var expected = ReferenceExtract(image);

                Assert.Equal(expected is null, ink is null);
                Assert.Equal(expected?.Ink, ink?.Ink);
                Assert.Equal(expected?.Mask, ink?.Mask);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Digit_region_matches_per_pixel_label_lookups(int seed)
    {
        var random = new Random(seed);
        foreach (var (width, height) in Sizes(random))
        {
            // Any labels, also on unmasked pixels and none on masked ones (as the number segmenter's cuts leave).
            var ink = new InkImage(width, height,
                Enumerable.Range(0, width * height).Select(_ => random.Next(3) == 0 ? (byte)0 : (byte)random.Next(256)).ToArray(),
                Enumerable.Range(0, width * height).Select(_ => random.Next(2) == 0).ToArray());
            var labels = Enumerable.Range(0, width * height).Select(_ => random.Next(4) == 0 ? 0 : random.Next(1, 6)).ToArray();
            var keep = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(2) == 0).ToArray();
            var (bx, by) = (random.Next(width), random.Next(height));
            var box = new PixelBox(bx, by, random.Next(1, width - bx + 1), random.Next(1, height - by + 1));
            var area = box.Grown(random.Next(1, 4));

            using var region = DigitRegion.Around(ink, labels, Enumerable.Range(0, keep.Length).Where(l => keep[l]).ToHashSet(), area);

            Assert.Equal(ReferenceOutline(ink, labels, keep, box), region.CountOutline(box));
            Assert.Equal(ReferenceDigitInk(ink, labels, keep, area), region.DigitInk());
        }
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

    // Paper lit from one side (a gradient of up to 80 levels), noise, and a few strokes of ink; with a shadow, the
    // left third a third darker. Clean: flat paper without noise, as a drawing on a canvas.
    private static byte[] ShadedPaperWithStrokes(Random random, int width, int height, bool darkInk, bool clean = false, bool shadow = false)
    {
        var pixels = new byte[width * height];
        var (gx, gy) = clean ? (0, 0) : (random.NextDouble() * 80 / width, random.NextDouble() * 80 / height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var paper = clean ? 255 : ((170 + (gx * x) + (gy * y)) * (shadow && 3 * x < width ? 0.67 : 1)) + random.Next(-6, 7);
                var stroke = (x + (2 * y)) % Math.Max(3, width / 4) < 2 || random.Next(50) == 0;
                var value = stroke ? random.Next(0, 60) : paper;
                pixels[(y * width) + x] = (byte)Math.Clamp(darkInk ? value : 255 - value, 0, 255);
            }
        }

        return pixels;
    }

    // The largest value in the (2r + 1)-square around each pixel, cut off at the image's edges.
    private static float[] ReferenceDilate(float[] ink, int width, int height, int radius)
    {
        var result = new float[ink.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var dy = Math.Max(0, y - radius); dy <= Math.Min(height - 1, y + radius); dy++)
                {
                    for (var dx = Math.Max(0, x - radius); dx <= Math.Min(width - 1, x + radius); dx++)
                    {
                        result[(y * width) + x] = Math.Max(result[(y * width) + x], ink[(dy * width) + dx]);
                    }
                }
            }
        }

        return result;
    }

    // The highest of the lowest values: the lowest in the (2r + 1)-square around each pixel, then the highest of those
    // in the same square, cut off at the image's edges (a grey opening).
    private static byte[] ReferenceOpening(byte[] values, int width, int height, int radius)
    {
        byte Extreme(byte[] source, int x, int y, bool lowest) =>
            (from dy in Enumerable.Range(Math.Max(0, y - radius), Math.Min(height - 1, y + radius) - Math.Max(0, y - radius) + 1)
             from dx in Enumerable.Range(Math.Max(0, x - radius), Math.Min(width - 1, x + radius) - Math.Max(0, x - radius) + 1)
             select source[(dy * width) + dx]).Aggregate((a, b) => lowest ? Math.Min(a, b) : Math.Max(a, b));

        var eroded = new byte[values.Length];
        var opened = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            eroded[i] = Extreme(values, i % width, i / width, lowest: true);
        }

        for (var i = 0; i < values.Length; i++)
        {
            opened[i] = Extreme(eroded, i % width, i / width, lowest: false);
        }

        return opened;
    }

    // The lowest value that at least the fraction of the counted (and at least one) do not exceed; 255 when none is counted.
    private static int ReferencePercentile(int[] counts, double fraction)
    {
        var sorted = counts.SelectMany((count, value) => Enumerable.Repeat(value, count)).ToArray();
        return sorted.Length == 0 ? 255 : sorted[Math.Max(1, (int)Math.Ceiling(sorted.Length * fraction)) - 1];
    }

    // InkExtractor.Extract pixel by pixel: polarity from the histogram's tails or, where they are close, the blocks' (on a
    // crop, its corners where they agree), per-block medians eroded over neighbouring blocks (with dark ink on a
    // photographed page, paper blocks at their own median and the level following the opening), bilinear background
    // subtracted (not on a crop), then Otsu's threshold and the contrast stretch.
    private static InkImage? ReferenceExtract(GrayImage image)
    {
        var (w, h) = (image.Width, image.Height);
        var block = Math.Max(8, Math.Max(w, h) / 8);
        var (across, down) = ((w + block - 1) / block, (h + block - 1) / block);

        // Each block's darkest and lightest 1 %, measured from its own median, summed over the blocks.
        long darkReach = 0, lightReach = 0;
        for (var j = 0; j < down; j++)
        {
            for (var i = 0; i < across; i++)
            {
                var sorted = (from y in Enumerable.Range(j * block, Math.Min(h, (j + 1) * block) - (j * block))
                              from x in Enumerable.Range(i * block, Math.Min(w, (i + 1) * block) - (i * block))
                              select (int)image.Pixels[(y * w) + x]).Order().ToArray();
                var extreme = (int)Math.Ceiling(sorted.Length * 0.01);

                // The median both ways up: the middle value counted from the bottom, and counted from the top.
                darkReach += sorted[(sorted.Length - 1) / 2] - sorted[extreme - 1];
                lightReach += sorted[sorted.Length - extreme] - sorted[sorted.Length / 2];
            }
        }

        var histogram = new int[256];
        foreach (var p in image.Pixels)
        {
            histogram[p]++;
        }

        var median = InkExtractor.Percentile(histogram, 0.5);
        var (darkTail, lightTail) = (median - InkExtractor.Percentile(histogram, 0.002), InkExtractor.Percentile(histogram, 0.998) - median);
        var invert = darkTail > 2 * lightTail || (lightTail <= 2 * darkTail && darkReach > lightReach);

        // A crop (under 48 px on its shorter side): three or four corners on one side of the middle of the range are
        // the paper, unless they are a frame: of the rings from the border inwards, the first with under 90 % of its
        // pixels on the corners' side has 30 % or less there.
        var crop = InkExtractor.IsCrop(w, h);
        var middle = InkExtractor.Percentile(histogram, 0.002) + InkExtractor.Percentile(histogram, 0.998);
        bool Light(int x, int y) => 2 * image.Pixels[(y * w) + x] > middle;
        var lightCorners = new[] { Light(0, 0), Light(w - 1, 0), Light(0, h - 1), Light(w - 1, h - 1) }.Count(l => l);
        var firstUnlikeRing = Enumerable.Range(0, w * h)
            .GroupBy(k => Math.Min(Math.Min(k % w, w - 1 - (k % w)), Math.Min(k / w, h - 1 - (k / w))))
            .OrderBy(ring => ring.Key)
            .Select(ring => ring.Average(k => Light(k % w, k / w) == lightCorners > 2 ? 1.0 : 0.0))
            .FirstOrDefault(like => like < 0.9, 0.0);
        if (crop && lightCorners != 2 && firstUnlikeRing > 0.3)
        {
            invert = lightCorners > 2;
        }

        var values = image.Pixels.Select(p => invert ? (byte)(255 - p) : p).ToArray();

        var (medians, spreads, uniformBlock) = (new int[across, down], new int[across, down], false);
        for (var j = 0; j < down; j++)
        {
            for (var i = 0; i < across; i++)
            {
                var counts = new int[256];
                for (var y = j * block; y < Math.Min(h, (j + 1) * block); y++)
                {
                    for (var x = i * block; x < Math.Min(w, (i + 1) * block); x++)
                    {
                        counts[values[(y * w) + x]]++;
                    }
                }

                medians[i, j] = InkExtractor.Percentile(counts, 0.5);
                spreads[i, j] = medians[i, j] - InkExtractor.Percentile(counts, 0.1);
                uniformBlock |= counts.Count(c => c > 0) == 1;
            }
        }

        int Background(int i, int j) =>
            (from dj in new[] { -1, 0, 1 } from di in new[] { -1, 0, 1 }
             where i + di >= 0 && j + dj >= 0 && i + di < across && j + dj < down
             select medians[i + di, j + dj]).Min();

        // Dark ink on a page of plain paper photographed (no block one value throughout), with a shadow (a paper block
        // off its eroded level, or an edge between blocks): a block whose lightest tenth lies near its median, and not
        // too dark against the lightest block, is paper at its own median; across an edge the level is raised to the
        // opening over a 17x17 square, up to the paper blocks around it plus the lift.
        var lightest = 255 - medians.Cast<int>().Min();
        bool Paper(int i, int j) => spreads[i, j] <= PaperBackground.PaperSpread && 255 - medians[i, j] >= PaperBackground.ShadowedPaperLightness * lightest;
        int Level(int i, int j) => Paper(i, j) ? medians[i, j] : Background(i, j);
        var blocks = Enumerable.Range(0, across * down).Select(k => (I: k % across, J: k / across)).ToArray();
        var edge = blocks.Any(a => blocks.Any(b => Math.Abs(a.I - b.I) <= 1 && Math.Abs(a.J - b.J) <= 1
            && Math.Abs(Level(a.I, a.J) - Level(b.I, b.J)) > PaperBackground.ShadowEdgeLift));
        var shadows = !crop && invert && !uniformBlock
            && (edge || blocks.Any(b => Level(b.I, b.J) - Background(b.I, b.J) > PaperBackground.MinShadowDepth));
        int Cap(int i, int j) => Math.Min(255, PaperBackground.ShadowEdgeLift + Math.Max(Level(i, j),
            (from dj in new[] { -1, 0, 1 } from di in new[] { -1, 0, 1 }
             where i + di >= 0 && j + dj >= 0 && i + di < across && j + dj < down && Paper(i + di, j + dj)
             select medians[i + di, j + dj]).DefaultIfEmpty(0).Max()));
        var opened = shadows && edge ? ReferenceOpening(values, w, h, PaperBackground.ShadowEdgeReach) : null;

        // A crop has no background subtracted.
        var flat = crop || Enumerable.Range(0, across * down).All(k => Background(k % across, k / across) == 0);
        var flattened = (byte[])values.Clone();
        for (var y = 0; y < h && !flat; y++)
        {
            var fy = Math.Clamp(((y + 0.5) / block) - 0.5, 0, down - 1);
            var (j0, ty) = ((int)fy, fy - (int)fy);
            var j1 = Math.Min(j0 + 1, down - 1);
            for (var x = 0; x < w; x++)
            {
                var fx = Math.Clamp(((x + 0.5) / block) - 0.5, 0, across - 1);
                var (i0, tx) = ((int)fx, fx - (int)fx);
                var i1 = Math.Min(i0 + 1, across - 1);
                int Bilinear(Func<int, int, int> at)
                {
                    var top = at(i0, j0) + ((at(i1, j0) - at(i0, j0)) * tx);
                    var bottom = at(i0, j1) + ((at(i1, j1) - at(i0, j1)) * tx);
                    return (int)(top + ((bottom - top) * ty) + 0.5);
                }

                var level = !shadows ? Bilinear(Background) : !edge ? Bilinear(Level) : Math.Max(Bilinear(Level), Math.Min(opened![(y * w) + x], Bilinear(Cap)));
                flattened[(y * w) + x] = (byte)Math.Max(0, values[(y * w) + x] - level);
            }
        }

        values = flattened;
        Array.Clear(histogram);
        foreach (var v in values)
        {
            histogram[v]++;
        }

        int Peak(int floor)
        {
            var above = histogram.Select((c, v) => v > floor ? c : 0).ToArray();
            return Math.Max(above.Sum() == 0 ? 0 : InkExtractor.Percentile(above, 0.9), InkExtractor.Percentile(histogram, 0.999));
        }

        // Images here have no paper lines: faint ink lowers the floor to half its strength, above twice the grain.
        var grain = InkExtractor.Percentile(histogram, 0.9);
        var otsu = Math.Max(InkExtractor.OtsuThreshold(histogram), Math.Min(20, Math.Max(Peak(Math.Max(InkExtractor.OtsuThreshold(histogram), 20)) / 2, 2 * grain)));
        var peak = Peak(otsu);
        var threshold = Math.Max(otsu, peak / 4);
        var mask = values.Select(v => v > threshold).ToArray();
        if (peak < InkExtractor.MinInkContrast && (peak < InkExtractor.MinFaintInkContrast || (peak < InkExtractor.FaintInkOverGrain * grain
            && (peak < InkExtractor.FaintStrokeOverGrain * grain || !ReferenceLabel(mask, w, h, values).Components.Any(c => Math.Max(c.Box.Width, c.Box.Height) >= InkExtractor.FaintStrokeLength * Math.Max(w, h))))))
        {
            return null;
        }

        var ink = values.Select(v => v <= threshold / 3 ? (byte)0 : (byte)Math.Min(255, (int)((v * (255.0 / peak)) + 0.5))).ToArray();
        return new InkImage(w, h, ink, mask);
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
            var meanInk = pixels.Average(p => (double)values[p]);

            // Sharpness: the drop in ink from each pixel to a left or right neighbour outside the mask.
            long drop = 0;
            var edges = 0;
            foreach (var p in pixels)
            {
                foreach (var beside in new[] { p % width > 0 ? p - 1 : -1, p % width < width - 1 ? p + 1 : -1 })
                {
                    if (beside >= 0 && !mask[beside])
                    {
                        (drop, edges) = (drop + values[p] - values[beside], edges + 1);
                    }
                }
            }

            var sharpness = edges == 0 ? 0 : (double)drop / edges / Math.Max(1, meanInk);
            components.Add(new InkComponent(label, pixels.Count, new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), meanInk, sharpness));
        }

        return (labels, components);
    }

    private static bool IsKept(bool[] keep, int label) => label != 0 && label < keep.Length && keep[label];

    // Kept pixels in the box, and those of them on the image edge or next to a pixel outside the mask.
    private static (int Area, int Outline) ReferenceOutline(InkImage ink, int[] labels, bool[] keep, PixelBox box)
    {
        int area = 0, outline = 0;
        for (var y = box.Y; y < box.Bottom; y++)
        {
            for (var x = box.X; x < box.Right; x++)
            {
                var i = (y * ink.Width) + x;
                if (IsKept(keep, labels[i]))
                {
                    area++;
                    var edge = x == 0 || y == 0 || x == ink.Width - 1 || y == ink.Height - 1;
                    if (edge || !ink.Mask[i - 1] || !ink.Mask[i + 1] || !ink.Mask[i - ink.Width] || !ink.Mask[i + ink.Width])
                    {
                        outline++;
                    }
                }
            }
        }

        return (area, outline);
    }

    // The ink of kept pixels, and of unlabelled ones with a kept neighbour (8-connected), over the area.
    private static float[] ReferenceDigitInk(InkImage ink, int[] labels, bool[] keep, PixelBox area)
    {
        var result = new float[area.Width * area.Height];
        for (var y = 0; y < area.Height; y++)
        {
            for (var x = 0; x < area.Width; x++)
            {
                var (sx, sy) = (area.X + x, area.Y + y);
                if (sx < 0 || sy < 0 || sx >= ink.Width || sy >= ink.Height || ink.Ink[(sy * ink.Width) + sx] == 0)
                {
                    continue;
                }

                var label = labels[(sy * ink.Width) + sx];
                var belongs = label != 0 ? IsKept(keep, label) : Enumerable.Range(sy - 1, 3).Any(ny => Enumerable.Range(sx - 1, 3).Any(nx =>
                    nx >= 0 && ny >= 0 && nx < ink.Width && ny < ink.Height && IsKept(keep, labels[(ny * ink.Width) + nx])));
                if (belongs)
                {
                    result[(y * area.Width) + x] = ink.Ink[(sy * ink.Width) + sx] / 255f;
                }
            }
        }

        return result;
    }
}
