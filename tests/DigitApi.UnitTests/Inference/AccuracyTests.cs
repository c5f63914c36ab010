using DigitApi.Inference;
using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.UnitTests.Inference;

/// <summary>
/// Accuracy through the real path — decoder, normaliser, batched ONNX Runtime — on the full official
/// MNIST test set, plain and presented the way users send digits.
/// </summary>
public class AccuracyTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    private static readonly Lazy<List<byte[]>> PlainFiles = new(() => MnistTestSet.Instance.Images.AsParallel().AsOrdered().Select(TestImages.MnistPng).ToList());

    public static TheoryData<string, double> PlainFloors => new()
    {
        { "cnn", 99.4 },
        { "lenet", 99.3 },
        { "mlp", 98.7 },
        { "logreg", 92.2 },
        { "ensemble", 99.5 },
    };

    [Theory]
    [MemberData(nameof(PlainFloors))]
    public void Mnist_test_set_as_png_files_reaches_the_floor(string model, double floor)
    {
        var set = MnistTestSet.Instance;
        var accuracy = Accuracy(pipeline.Classify(PlainFiles.Value, model), set.Labels);

        TestContext.Current.SendDiagnosticMessage($"{model}: {accuracy:F2} % on 10,000 MNIST test PNGs");
        Assert.True(accuracy >= floor, $"{model}: {accuracy:F2} % < {floor} %");
    }

    public static TheoryData<string> Presentations => ["inverted-upscaled-offcentre", "transparent-canvas", "jpeg-on-paper", "postal-scan-16x16", "form-bitmap-32x32",
        "postal-scan-enlarged-to-64x64", "form-bitmap-enlarged-to-128x128"];

    [Theory]
    [MemberData(nameof(Presentations))]
    public void Presented_as_users_send_them_accuracy_stays_within_half_a_point(string presentation)
    {
        var set = MnistTestSet.Instance;
        var plain = Accuracy(pipeline.Classify(PlainFiles.Value, "cnn"), set.Labels);
        var random = new Random(42);
        var offsets = set.Images.Select(_ => (random.Next(0, 80), random.Next(0, 80))).ToArray();
        var files = new byte[set.Count][];
        Parallel.For(0, set.Count, i => files[i] = presentation switch
        {
            "inverted-upscaled-offcentre" => TestImages.Presented(set.Images[i], invert: true, scale: 4, canvas: 200, offsets[i].Item1, offsets[i].Item2, SKEncodedImageFormat.Png),
            "transparent-canvas" => TestImages.TransparentCanvas(set.Images[i]),
            "postal-scan-16x16" => TestImages.TightCrop(set.Images[i], side: 16, bitmap: false),
            "form-bitmap-32x32" => TestImages.TightCrop(set.Images[i], side: 32, bitmap: true),
            "postal-scan-enlarged-to-64x64" => TestImages.TightCrop(set.Images[i], side: 16, bitmap: false, enlarge: 4),
            "form-bitmap-enlarged-to-128x128" => TestImages.TightCrop(set.Images[i], side: 32, bitmap: true, enlarge: 4),
            _ => TestImages.Presented(set.Images[i], invert: true, scale: 3, canvas: 160, offsets[i].Item1 / 2, offsets[i].Item2 / 2, SKEncodedImageFormat.Jpeg, quality: 75),
        });

        var accuracy = Accuracy(pipeline.Classify(files, "cnn"), set.Labels);

        TestContext.Current.SendDiagnosticMessage($"cnn: {accuracy:F2} % {presentation} vs {plain:F2} % plain");
        Assert.True(accuracy >= plain - 0.5, $"{presentation}: {accuracy:F2} % vs {plain:F2} % plain");
    }

    /// <summary>
    /// Readers that size-normalise both ways store a digit stretched onto a fixed box whatever its shape: a 1 comes
    /// as a thick bar as wide as a 0, which a model that knows only MNIST's aspect reads as 8, 2 or 3.
    /// </summary>
    [Theory]
    // Today: 99.13 %, 1s 98.1 %, answered 98.1 % (a 16-px scan is judged by the cards' line for low-resolution scans);
    // 1s 97.5 % before the preprocessing narrowed stretched squares.
    [InlineData(16, false, 1.0, 98.5, 96, 95)] // a gray scan stretched to fill its square
    // Today: 98.67 %, 1s 97.3 %, answered 97.3 %; 1s 96.6 % before the narrowing, 87.0 % (mostly as 8) before
    // two-level stretches in training.
    [InlineData(16, true, 1.0, 97.5, 94, 94)] // a two-level 16x16 bitmap stretched to fill its square
    // Today: 99.02 %, 1s 98.9 %, answered 95.5 % (the rest of the fat bars declined); 1s 95.2 % before two-level stretches.
    [InlineData(32, true, TestImages.NistFormAspect, 98.5, 96, 91)] // a two-level form bitmap, 20x32 in 32x32 (NIST's form system)
    public void Stretched_to_fill_their_box_digits_and_their_ones_still_read(int side, bool bitmap, double aspect, double floor, double onesFloor, double onesAnsweredFloor)
    {
        var set = MnistTestSet.Instance;
        var files = new byte[set.Count][];
        Parallel.For(0, set.Count, i => files[i] = TestImages.TightCrop(set.Images[i], side, bitmap, stretchedTo: aspect));

        var predictions = pipeline.Predict(files, "cnn");

        var accuracy = Accuracy(predictions, set.Labels);
        var ones = Enumerable.Range(0, set.Count).Where(i => set.Labels[i] == 1).ToArray();
        var onesRead = 100.0 * ones.Count(i => predictions[i]?.Digit == 1) / ones.Length;
        // At the default settings, where a fat bar may be declined as not a digit.
        var onesAnswered = 100.0 * ones.Count(i => predictions[i] is { Digit: 1, NotADigit: false }) / ones.Length;
        var onesMisread = ones.Where(i => predictions[i]?.Digit is not 1).GroupBy(i => predictions[i]?.Digit).OrderByDescending(g => g.Count()).Select(g => $"as {g.Key} x{g.Count()}");
        TestContext.Current.SendDiagnosticMessage($"cnn: {accuracy:F2} % stretched to {side}x{side} (aspect {aspect:F3}{(bitmap ? ", two levels" : "")}), 1s {onesRead:F1} % ({string.Join(", ", onesMisread)}), answered 1 at the default settings {onesAnswered:F1} %");
        Assert.True(accuracy >= floor, $"{accuracy:F2} % < {floor} %");
        Assert.True(onesRead >= onesFloor, $"1s: {onesRead:F1} % < {onesFloor} %");
        Assert.True(onesAnswered >= onesAnsweredFloor, $"1s answered: {onesAnswered:F1} % < {onesAnsweredFloor} %");
    }

    /// <summary>
    /// The UCI optical digits (scikit-learn's <c>load_digits</c>, many people's first digit set) store each digit as an
    /// 8x8 image of 4x4 block counts of NIST's stretched 32x32 bitmap: enlarged to MNIST's box it comes out blurred, its
    /// strokes grey and soft, which a model that saw only sharp digits reads but often takes for not a digit.
    /// </summary>
    [Fact]
    public void Coarse_8x8_scans_are_read_and_answered()
    {
        // 97.52 %, answered right 97.46 % today, the weakest digit (7) 92.7 %, the rest mostly read as 1 (MNIST's 7s
        // with a short sloping bar are written as a flagged 1 is, and the cnn reads flagged 1s; see FINETUNE in
        // train.py). The cards' line for low-resolution scans declines them about as often as digits in general
        // (judged by the one line for every upload, 2.7 points of the right answers went as not a digit), and the ink
        // threshold of tiny crops keeps their faint cells (at a quarter of the peak, 96.9 % were read).
        const double floor = 97, answeredFloor = 96.5, weakestFloor = 92;
        var set = MnistTestSet.Instance;

        var predictions = CoarseScanPredictions();

        var accuracy = Accuracy(predictions, set.Labels);
        var answeredRight = Enumerable.Range(0, set.Count).Select(i => IsAnsweredRight(predictions[i], set.Labels[i])).ToArray();
        var answered = 100.0 * answeredRight.Count(r => r) / set.Count;
        // A source of forms is judged by its weakest digit too: one class declined or misread hides in the average.
        var (weakest, weakestAnswered) = Enumerable.Range(0, set.Count)
            .GroupBy(i => set.Labels[i])
            .Select(digit => (Digit: digit.Key, Answered: 100.0 * digit.Count(i => answeredRight[i]) / digit.Count()))
            .MinBy(c => c.Answered);
        TestContext.Current.SendDiagnosticMessage($"cnn: {accuracy:F2} % as 8x8 scans, {answered:F2} % answered right at the default settings, the weakest digit ({weakest}) {weakestAnswered:F1} %");
        Assert.True(accuracy >= floor, $"{accuracy:F2} % < {floor} %");
        Assert.True(answered >= answeredFloor, $"answered right: {answered:F2} % < {answeredFloor} %");
        Assert.True(weakestAnswered >= weakestFloor, $"{weakest}s answered right: {weakestAnswered:F1} % < {weakestFloor} %");
    }

    /// <summary>
    /// An 8x8 scan saved enlarged, as a viewer or an image library saves it, is read and judged as the scan itself.
    /// Read from the enlargement, 3.4-4.8 more points of the right answers went as not a digit at 28 to 280 pixels
    /// smoothly, 13.5 at 28x28 in uneven blocks (the weakest digit, 6, 68.7 %).
    /// </summary>
    [Theory]
    [InlineData(64, false)] // in blocks, as a viewer saves it
    [InlineData(28, false)] // in blocks of 3 and 4 pixels at MNIST's size
    [InlineData(28, true)] // enlarged as image libraries do by default
    [InlineData(280, true)]
    public void Coarse_8x8_scans_shown_enlarged_are_answered_as_the_scans_themselves(int shownAt, bool smoothly)
    {
        // A fifth of the test set: 97.25 % answered right as 8x8 scans; 97.25 % at 64x64 in blocks and at 280x280
        // smoothly, 97.10 % at 28x28 in uneven blocks, 97.05 % at 28x28 smoothly.
        AnsweredAsTheScans(i => TestImages.CoarseScan(MnistTestSet.Instance.Images[i], shownAt: shownAt, smoothly: smoothly), $"shown at {shownAt}x{shownAt}{(smoothly ? " smoothly" : "")}");
    }

    /// <summary>
    /// An 8x8 scan saved with its counts as they are, 0-16 of 255 (as scikit-learn holds them, saved without scaling),
    /// is answered as the scan shown in full shades: a stored scan's paper is one exact level, so a range that narrow is
    /// still ink, not a blank image's grain.
    /// </summary>
    [Theory]
    [InlineData(ScanLevels.Counts)]
    [InlineData(ScanLevels.CountsLeft)]
    public void Coarse_8x8_scans_saved_as_their_counts_are_answered_as_the_scans_themselves(ScanLevels levels) =>
        AnsweredAsTheScans(i => TestImages.CoarseScan(MnistTestSet.Instance.Images[i], levels: levels), $"saved as {levels}");

    // The cnn answers a fifth of the test set made into 8x8 scans by `scan` right as often as the scans in full shades,
    // less half a point at most.
    private void AnsweredAsTheScans(Func<int, byte[]> scan, string shown)
    {
        var sample = Enumerable.Range(0, MnistTestSet.Instance.Count / 5).Select(i => i * 5).ToArray();
        var files = new byte[sample.Length][];
        Parallel.For(0, sample.Length, i => files[i] = scan(sample[i]));

        var answered = AnsweredRight(pipeline.Predict(files, "cnn"), sample);
        var scanPredictions = CoarseScanPredictions();
        var scans = AnsweredRight([.. sample.Select(i => scanPredictions[i])], sample);

        TestContext.Current.SendDiagnosticMessage($"cnn: {answered:F2} % answered right as 8x8 scans {shown}, {scans:F2} % as the scans");
        Assert.True(answered >= scans - 0.5, $"{answered:F2} % answered right vs {scans:F2} % as the scans");
    }

    // The cnn's answers on the whole test set as 8x8 scans, made once for the tests that need them.
    private static Prediction?[]? coarseScanPredictions;

    private Prediction?[] CoarseScanPredictions() => LazyInitializer.EnsureInitialized(ref coarseScanPredictions, () =>
    {
        var set = MnistTestSet.Instance;
        var files = new byte[set.Count][];
        Parallel.For(0, set.Count, i => files[i] = TestImages.CoarseScan(set.Images[i]));
        return pipeline.Predict(files, "cnn");
    });

    private static bool IsAnsweredRight(Prediction? prediction, int label) => prediction is { NotADigit: false } p && p.Digit == label;

    // The share answered right of the test digits in sample, predictions[i] being sample[i]'s answer.
    private static double AnsweredRight(Prediction?[] predictions, int[] sample) =>
        100.0 * sample.Where((digit, i) => IsAnsweredRight(predictions[i], MnistTestSet.Instance.Labels[digit])).Count() / sample.Length;

    // Photo-sized frames are costly to make, so a fixed sample of 400 digits stands in for the set.
    private static readonly int[] PhotoSample = Enumerable.Range(0, 400).Select(i => (i * 25) + 3).ToArray();

    private static readonly Lazy<byte[][]> Photos = new(() =>
    {
        var photos = new byte[PhotoSample.Length][];
        Parallel.For(0, PhotoSample.Length, i => photos[i] = PhotoDigits.Photo(MnistTestSet.Instance.Images[PhotoSample[i]], seed: PhotoSample[i]));
        return photos;
    });

    [Fact]
    public void Phone_photos_of_digits_on_paper_are_recognised_as_well_as_the_digits_themselves()
    {
        var set = MnistTestSet.Instance;
        var sample = PhotoSample;
        var labels = sample.Select(i => set.Labels[i]).ToArray();
        var photos = Photos.Value;
        var plain = Accuracy(pipeline.Classify(sample.Select(i => PlainFiles.Value[i]).ToList(), "cnn"), labels);

        var accuracy = Accuracy(pipeline.Classify(photos, "cnn"), labels);

        TestContext.Current.SendDiagnosticMessage($"cnn: {accuracy:F2} % on {sample.Length} phone photos vs {plain:F2} % on the same digits plain");
        Assert.True(accuracy >= plain - 1.0, $"photos: {accuracy:F2} % vs {plain:F2} % plain");
    }

    [Fact]
    public async Task Phone_photos_decoded_at_reduced_scale_are_recognised_as_well_as_at_full_size()
    {
        // The service decodes a 1200x1600 JPEG natively at 1/8 (150x200); a working size as large as the photo
        // makes the same pipeline decode and search it at full size. Half the sample keeps the full-size run short.
        var set = MnistTestSet.Instance;
        var sample = PhotoSample.Where((_, i) => i % 2 == 0).ToArray();
        var labels = sample.Select(i => set.Labels[i]).ToArray();
        var photos = Photos.Value.Where((_, i) => i % 2 == 0).ToList();
        await using var fullSize = Pipeline.With(new Dictionary<string, string?> { ["Imaging:WorkingSize"] = "1600" });

        var full = Accuracy(fullSize.Classify(photos, "cnn"), labels);
        var scaled = Accuracy(pipeline.Classify(photos, "cnn"), labels);

        TestContext.Current.SendDiagnosticMessage($"cnn: {scaled:F2} % on {sample.Length} photos decoded at 1/8 vs {full:F2} % at full size");
        Assert.True(scaled >= full - 0.5, $"decoded at 1/8: {scaled:F2} % vs {full:F2} % at full size");
    }

    private static double Accuracy(int[] predicted, IReadOnlyList<byte> labels) =>
        100.0 * predicted.Where((p, i) => p == labels[i]).Count() / labels.Count;

    // A rejected upload (null) counts as wrong; a digit declined as not a digit counts as its best guess.
    private static double Accuracy(Prediction?[] predicted, IReadOnlyList<byte> labels) =>
        Accuracy([.. predicted.Select(p => p?.Digit ?? -1)], labels);
}
