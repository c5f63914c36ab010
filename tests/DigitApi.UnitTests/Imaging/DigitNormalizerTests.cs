using DigitApi.Imaging;
using DigitApi.Tests;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

public class DigitNormalizerTests
{
    [Fact]
    public void Dark_ink_on_light_paper_and_light_ink_on_dark_give_the_same_input()
    {
        var paper = Seven(200, 200, 50, 40, 120, 12);
        var dark = DigitPreprocessor.Prepare(paper).Pixels;
        var light = DigitPreprocessor.Prepare(Inverted(paper)).Pixels;

        Assert.True(MeanAbsoluteDifference(dark, light) < 0.01, "polarity must not change the normalised digit");
        Assert.Equal(1f, dark.Max(), 2);
        Assert.Equal(0f, dark[0]);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(300, 10)]
    [InlineData(10, 200)]
    [InlineData(280, 180)]
    public void Off_centre_digit_is_centred_by_mass_and_fitted_to_twenty_pixels(int left, int top)
    {
        var image = Seven(420, 320, left, top, 110, 10);

        var (x, y, box, _) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(x, 13, 15);
        Assert.InRange(y, 13, 15);
        Assert.InRange(Math.Max(box.Width, box.Height), 19, 21);
    }

    [Fact]
    public void Tiny_digit_is_scaled_up_to_twenty_pixels()
    {
        var image = Seven(16, 16, 3, 3, 9, 2);

        var (_, _, box, max) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(box.Height, 18, 22);
        Assert.Equal(1f, max, 2);
    }

    [Fact]
    public void Tall_narrow_digit_keeps_its_aspect_ratio()
    {
        var image = One(300, 300, 150, 150, 200, 14);

        var (_, _, box, _) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(box.Height, 19, 21);
        Assert.InRange(box.Width, 1, 5);
    }

    [Fact]
    public void Hairline_strokes_are_thickened_to_mnist_width()
    {
        var image = Seven(600, 600, 100, 100, 400, 1.5);

        var pixels = DigitPreprocessor.Prepare(image).Pixels;

        var strongInk = pixels.Count(p => p > 0.5f);
        Assert.True(strongInk >= 40, $"a 1.5 px pen on a 600 px image must not vanish at 28x28 ({strongInk} strong pixels)");
    }

    [Fact]
    public void Marker_strokes_stay_a_digit()
    {
        var image = Seven(400, 400, 60, 60, 280, 50);

        var (x, y, box, _) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(Math.Max(box.Width, box.Height), 19, 21);
        Assert.InRange(x, 12.5, 15.5);
        Assert.InRange(y, 12.5, 15.5);
    }

    [Fact]
    public void Noisy_paper_gives_nearly_the_clean_input()
    {
        var clean = DigitPreprocessor.Prepare(Seven(240, 240, 60, 50, 130, 12)).Pixels;
        var noisy = Seven(240, 240, 60, 50, 130, 12);
        AddNoise(noisy, 25, seed: 7);

        var result = DigitPreprocessor.Prepare(noisy).Pixels;

        Assert.True(MeanAbsoluteDifference(clean, result) < 0.05, $"difference {MeanAbsoluteDifference(clean, result):F3}");
    }

    [Fact]
    public void Shadow_across_the_paper_is_not_ink()
    {
        var image = Seven(300, 300, 90, 80, 130, 10, paper: 230, ink: 30);
        for (var y = 0; y < 300; y++)
        {
            for (var x = 0; x < 300; x++)
            {
                // A shadow darkening the left third of the sheet by up to 110 levels.
                var darken = x < 100 ? (int)(110 * (1 - (x / 100.0))) : 0;
                var i = (y * 300) + x;
                image.Pixels[i] = (byte)Math.Max(0, image.Pixels[i] - darken);
            }
        }

        var (x0, y0, box, _) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(x0, 12.5, 15.5);
        Assert.InRange(y0, 12.5, 15.5);
        Assert.InRange(box.Width, 10, 18); // the digit alone, not the shadow
    }

    [Fact]
    public void Specks_beside_the_digit_are_ignored()
    {
        var image = Seven(300, 300, 100, 80, 130, 10);
        Stroke(image, 20, 270, 22, 271, 3, 0);
        Stroke(image, 280, 20, 281, 21, 3, 0);

        var (x, y, box, _) = Describe(DigitPreprocessor.Prepare(image).Pixels);

        Assert.InRange(x, 12.5, 15.5);
        Assert.InRange(y, 12.5, 15.5);
        Assert.InRange(box.Height, 19, 21);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void Blank_paper_is_no_digit(int noise)
    {
        var image = Paper(320, 240);
        AddNoise(image, noise, seed: 3);

        var error = Assert.Throws<ImageRejectedException>(() => DigitPreprocessor.Prepare(image));

        Assert.Equal(ImageRejection.NoDigitFound, error.Reason);
    }

    [Fact]
    public void Mnist_digits_survive_the_round_trip()
    {
        var set = MnistTestSet.Instance;
        var total = 0.0;
        for (var i = 0; i < 200; i++)
        {
            var original = set.Images[i].Select(p => p / 255f).ToArray();
            var normalized = DigitPreprocessor.Prepare(new GrayImage(28, 28, set.Images[i])).Pixels;
            total += MeanAbsoluteDifference(original, normalized);
        }

        Assert.True(total / 200 < 0.03, $"MNIST digits should come back nearly unchanged; mean difference {total / 200:F3}");
    }

    private static double MeanAbsoluteDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
}
