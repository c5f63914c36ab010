using DigitApi.Tests;

namespace DigitApi.UnitTests.Inference;

/// <summary>
/// Accuracy of the default model through the real pipeline on handwritten digits drawn here as pen strokes
/// (<see cref="HandDigits"/>, independent of any training data): one set per kind of paper and per style of
/// writing, each with its own floor, so that a regression shows by name. Photos are 300x400 (the decoder brings
/// them to the same working size as a 1200x1600 photo, at a sixteenth of the cost of making them) unless a kind
/// needs what only a phone's resolution keeps.
/// </summary>
public class AccuracyByKindTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    private const int PerKind = 300;

    /// <summary>
    /// A set: how its digits are written, on what (null: a 280x280 canvas export), and its floor; or, with a
    /// <paramref name="CropSide"/>, cut tight to its box at that size (16: a gray postal scan, 32: a two-level form
    /// bitmap, 8: that bitmap stretched onto NIST's 20x32 and counted in 4x4 blocks; 16 and <paramref name="TwoLevel"/>:
    /// a two-level bitmap), stretched whatever its shape onto a box <paramref name="StretchedTo"/> times as wide as tall
    /// (as NIST's form system stores it), and <paramref name="Upright"/>, sheared upright first (as that system
    /// deslants). Photos are <paramref name="PhotoWidth"/> wide, three quarters as high, under a hand's shadow with
    /// <paramref name="HandShadow"/>, and written in graphite with <paramref name="Pencil"/>.
    /// </summary>
    private sealed record Kind(HandStyle Style, Paper? Paper, DigitSize Size, double Floor, int CropSide = 0, int PhotoWidth = 300, double? StretchedTo = null, bool Upright = false, bool TwoLevel = false, (double Min, double Max)? Pen = null, bool HandShadow = false, bool Pencil = false);

    // The pen of the form writers NIST's bitmaps keep: strokes about a seventh of the digit's height (scikit-learn's
    // load_digits shows 1s with stems one or two columns of eight wide), where the styles' own pen is 0.04-0.09.
    private static readonly (double, double) FormPen = (0.12, 0.17);

    private static readonly Dictionary<string, Kind> All = new()
    {
        // Kinds of paper, plain handwriting on each.
        ["plain-canvas"] = new(HandStyle.Plain, null, DigitSize.Large, 98),
        ["photo-plain-paper"] = new(HandStyle.Plain, Paper.Plain, DigitSize.Large, 97),
        ["ruled-paper"] = new(HandStyle.Plain, Paper.Ruled, DigitSize.Large, 97),
        ["squared-paper"] = new(HandStyle.Plain, Paper.Squared, DigitSize.Large, 97),
        ["small-digit-large-page"] = new(HandStyle.Plain, Paper.Ruled, DigitSize.Small, 93), // ruled and squared, half each; 100 % today

        // Styles MNIST lacks, and pens, on canvases.
        ["one-with-flag"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 96), // 100 % today; the 1s it misses read as 7
        ["one-with-flag-and-foot"] = new(HandStyle.OneWithFlagAndFoot, null, DigitSize.Large, 97),
        ["crossed-seven"] = new(HandStyle.CrossedSeven, null, DigitSize.Large, 97),
        ["open-four"] = new(HandStyle.OpenFour, null, DigitSize.Large, 97),
        ["nine-with-straight-stem"] = new(HandStyle.NineWithStraightStem, null, DigitSize.Large, 97),
        ["slanted"] = new(HandStyle.Slanted, null, DigitSize.Large, 97),
        ["thin-pencil"] = new(HandStyle.ThinPencil, null, DigitSize.Large, 97),
        ["thick-marker"] = new(HandStyle.ThickMarker, null, DigitSize.Large, 97),

        // Last, so that the kinds above keep their seeds.
        ["thin-pencil-photographed-on-plain-paper"] = new(HandStyle.ThinPencil, Paper.Plain, DigitSize.Large, 95), // 99.7 % today

        // Cut tight to the box, as postal and form readers store digits.
        ["plain-postal-scan-16x16"] = new(HandStyle.Plain, null, DigitSize.Large, 98, CropSide: 16), // 100 % today
        ["plain-form-bitmap-32x32"] = new(HandStyle.Plain, null, DigitSize.Large, 98, CropSide: 32),
        ["one-with-flag-form-bitmap"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 96, CropSide: 32), // 99.3 % today: as on a canvas, the rest read as 7
        ["one-with-flag-and-foot-form-bitmap"] = new(HandStyle.OneWithFlagAndFoot, null, DigitSize.Large, 97, CropSide: 32),
        ["thick-marker-form-bitmap"] = new(HandStyle.ThickMarker, null, DigitSize.Large, 97, CropSide: 32),

        // Bold pens: strokes a quarter to a third of the digit's height wide, as forms filled in with a marker keep them.
        ["bold-marker"] = new(HandStyle.BoldMarker, null, DigitSize.Large, 93), // 95.7 % today: 8s whose loops the pen closed read as 0
        ["bold-marker-form-bitmap"] = new(HandStyle.BoldMarker, null, DigitSize.Large, 97, CropSide: 32),
        ["bold-marker-postal-scan-16x16"] = new(HandStyle.BoldMarker, null, DigitSize.Large, 97, CropSide: 16),

        // A page of rules or squares photographed whole, the digit written between two rules: at the working size it
        // is as small as what is left of the lines around it. Ruled and squared, half each; at a phone's resolution,
        // where the lines stay sharp (a smaller photo blurs them into the paper).
        ["digit-in-a-line-gap"] = new(HandStyle.Plain, Paper.Ruled, DigitSize.LineGap, 80, PhotoWidth: 1200), // 92.0 % today: the rest lose the digit among what is left of the lines

        // Stretched onto the form's box whatever their shape (NIST's form system: 20x32 in a 32x32 bitmap): a 1 comes
        // as wide as a 0. A 1 with a flag alone, stretched, is a 7 with a sloping bar: the hardest kind (docs/models.md).
        ["plain-form-bitmap-stretched"] = new(HandStyle.Plain, null, DigitSize.Large, 97, CropSide: 32, StretchedTo: TestImages.NistFormAspect), // 100 % today
        ["one-with-flag-and-foot-form-bitmap-stretched"] = new(HandStyle.OneWithFlagAndFoot, null, DigitSize.Large, 97, CropSide: 32, StretchedTo: TestImages.NistFormAspect),
        ["one-with-flag-form-bitmap-stretched"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 89, CropSide: 32, StretchedTo: TestImages.NistFormAspect), // 95.0 % today, the rest read as 7; 26.3 % before the crops in training

        // The form's bitmap counted in 4x4 blocks, an 8x8 image of 0-16 (the UCI optical digits): blurred once enlarged.
        ["plain-coarse-scan-8x8"] = new(HandStyle.Plain, null, DigitSize.Large, 97, CropSide: 8), // 100 % today; 97.7 % when the ink threshold dropped faint cells
        ["one-with-flag-coarse-scan-8x8"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 90, CropSide: 8), // 96.0 % today, the rest read as 7; 53.3 % before the crops

        // A 1 with a short flag (a nub at the top of its stem), on a canvas and as NIST's form system stores it: sheared
        // upright before it is stretched (that system deslants a character first), a slanted 1 comes out a vertical bar,
        // its nub a bar across the top, and the 1 a 7 unless its stem gives it away. Crossed 7s and plain digits the
        // same way, so that 1s are not won from 7s.
        ["one-with-short-flag"] = new(HandStyle.OneWithShortFlag, null, DigitSize.Large, 97), // 100 % today
        ["one-with-short-flag-form-bitmap-upright-stretched"] = new(HandStyle.OneWithShortFlag, null, DigitSize.Large, 82, CropSide: 32, StretchedTo: TestImages.NistFormAspect, Upright: true), // 88.0 % today, the rest read as 7; 28.7 % before short flags and upright crops in training
        ["one-with-short-flag-coarse-scan-8x8-upright"] = new(HandStyle.OneWithShortFlag, null, DigitSize.Large, 93, CropSide: 8, Upright: true), // 100.0 % today; 73.3 % before short flags and upright crops in training
        ["one-with-flag-coarse-scan-8x8-upright"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 92, CropSide: 8, Upright: true), // 98.0 % today
        ["crossed-seven-coarse-scan-8x8-upright"] = new(HandStyle.CrossedSeven, null, DigitSize.Large, 97, CropSide: 8, Upright: true), // 100 % today; 95.0 % (the rest mostly as 4) when the ink threshold dropped faint cells
        ["plain-coarse-scan-8x8-upright"] = new(HandStyle.Plain, null, DigitSize.Large, 97, CropSide: 8, Upright: true), // 99.7 % today

        // Stretched onto the whole of a 16x16 square, in two levels or gray (readers that size-normalise both ways at
        // 16 px): a 1 comes as a solid bar, and a 1 with a flag as a bar across the top of a thick stem, a 7 whose stem
        // alone gives it away: the weakest kinds, read as 7. The preprocessing narrows such a square back to a written
        // digit's aspect (DigitPreprocessor). Crossed 7s and plain digits the same way, so that 1s are not won from 7s.
        ["plain-bitmap-16x16-stretched"] = new(HandStyle.Plain, null, DigitSize.Large, 90, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 94.0 % today
        ["one-with-flag-bitmap-16x16-stretched"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 75, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 81.0 % today, the rest mostly read as 7; 67.3 % before the narrowing, 10.0 % before 16-px two-level stores in training
        ["one-with-flag-and-foot-bitmap-16x16-stretched"] = new(HandStyle.OneWithFlagAndFoot, null, DigitSize.Large, 89, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 97.3 % today
        ["one-with-short-flag-bitmap-16x16-stretched"] = new(HandStyle.OneWithShortFlag, null, DigitSize.Large, 73, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 77.7 % today, the rest read as 7; 13.0 % before 16-px two-level stores in training
        ["crossed-seven-bitmap-16x16-stretched"] = new(HandStyle.CrossedSeven, null, DigitSize.Large, 95, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 98.7 % today
        ["slanted-bitmap-16x16-stretched"] = new(HandStyle.Slanted, null, DigitSize.Large, 89, CropSide: 16, StretchedTo: 1, TwoLevel: true), // 93.3 % today
        ["one-with-flag-postal-scan-16x16-stretched"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 84, CropSide: 16, StretchedTo: 1), // 90.0 % today, the rest read as 7; 80.0 % before the narrowing
        ["plain-postal-scan-16x16-stretched"] = new(HandStyle.Plain, null, DigitSize.Large, 94, CropSide: 16, StretchedTo: 1), // 98.7 % today

        // Bubble digits (hollow lettering, an outline font's digits): a broad line with its middle left as paper. Its two
        // edges read as two strokes: a 4 or a 5 as 8, a 7 as 9.
        ["outlined"] = new(HandStyle.Outlined, null, DigitSize.Large, 71), // 75.7 % today
        ["outlined-photographed-on-ruled-paper"] = new(HandStyle.Outlined, Paper.Ruled, DigitSize.Large, 67), // 72.0 % today

        // The form kinds above in the form writers' broader pen: the likeliest stand-ins for forms filled in with a
        // ballpoint or felt-tip and stored as NIST's bitmaps. Crossed 7s the same way, so that 1s are not won from 7s.
        ["one-with-flag-form-pen-coarse-scan-8x8"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 93, CropSide: 8, Pen: FormPen), // 99.0 % today, the rest read as 7
        ["one-with-flag-form-pen-coarse-scan-8x8-upright"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 91, CropSide: 8, Upright: true, Pen: FormPen), // 98.0 % today
        ["one-with-flag-form-pen-form-bitmap-stretched"] = new(HandStyle.OneWithFlag, null, DigitSize.Large, 90, CropSide: 32, StretchedTo: TestImages.NistFormAspect, Pen: FormPen), // 97.7 % today
        ["crossed-seven-form-pen-coarse-scan-8x8-upright"] = new(HandStyle.CrossedSeven, null, DigitSize.Large, 97, CropSide: 8, Upright: true, Pen: FormPen), // 100 % today

        // Paper under the shadow of a hand or a phone, a sharp or a soft edge across the page: plain, ruled and squared.
        ["photographed-under-a-hand-shadow"] = new(HandStyle.Plain, Paper.Plain, DigitSize.Large, 94, HandShadow: true), // 98.0 % today; 66.3 % when the band along the edge was left as ink
        ["ruled-paper-under-a-hand-shadow"] = new(HandStyle.Plain, Paper.Ruled, DigitSize.Large, 95, HandShadow: true), // 99.0 % today; 74.0 % while lined paper's level was taken from eroded blocks alone
        ["squared-paper-under-a-hand-shadow"] = new(HandStyle.Plain, Paper.Squared, DigitSize.Large, 94, HandShadow: true), // 98.7 % today; 72.0 % the same way

        // Light ink on a dark sheet (chalk on a board, a white or yellow gel pen on black paper), photographed as above.
        ["light-ink-on-a-dark-sheet"] = new(HandStyle.Plain, Paper.Dark, DigitSize.Large, 97), // 100 % today
        ["light-ink-on-a-dark-sheet-under-a-hand-shadow"] = new(HandStyle.Plain, Paper.Dark, DigitSize.Large, 97, HandShadow: true), // 99.7 % today

        // In pencil: a thin grey line that darkens what it crosses, on plain, ruled and squared paper, and under a hand's
        // shadow, whose lit part can lie farther from the page's median than the pencil does.
        ["pencil-on-plain-paper"] = new(HandStyle.ThinPencil, Paper.Plain, DigitSize.Large, 95, Pencil: true), // 97.7 % today
        ["pencil-on-ruled-paper"] = new(HandStyle.ThinPencil, Paper.Ruled, DigitSize.Large, 95, Pencil: true), // 98.0 % today
        ["pencil-on-squared-paper"] = new(HandStyle.ThinPencil, Paper.Squared, DigitSize.Large, 92, Pencil: true), // 95.0 % today: a stroke along a grid line goes with it (a 2 without its foot reads 7)
        ["pencil-on-plain-paper-under-a-hand-shadow"] = new(HandStyle.ThinPencil, Paper.Plain, DigitSize.Large, 92, HandShadow: true, Pencil: true), // 97.0 % today; 83.7 % while the lit paper beside a large shadow could be taken for light ink
        ["pencil-on-ruled-paper-under-a-hand-shadow"] = new(HandStyle.ThinPencil, Paper.Ruled, DigitSize.Large, 88, HandShadow: true, Pencil: true), // 92.7 % today; 75.3 % the same way
        ["pencil-on-squared-paper-under-a-hand-shadow"] = new(HandStyle.ThinPencil, Paper.Squared, DigitSize.Large, 85, HandShadow: true, Pencil: true), // 90.0 % today; 74.7 % the same way. The rest lose strokes along grid lines or take the band along the shadow's edge
    };

    public static TheoryData<string> Kinds => [.. All.Keys];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Kind_reaches_its_floor(string kind)
    {
        var (images, labels) = Set(kind);

        var predicted = pipeline.Classify(images);

        AccuracyFloor.Reached(kind, predicted, labels, All[kind].Floor);
    }

    // Deterministic: each kind has its own range of seeds.
    private static (byte[][] Images, int[] Labels) Set(string kind)
    {
        var (style, paper, size, _, cropSide, photoWidth, stretchedTo, upright, twoLevel, pen, handShadow, pencil) = All[kind];
        var seed = All.Keys.ToList().IndexOf(kind) * 10_000;
        var images = new byte[PerKind][];
        var labels = new int[PerKind];
        Parallel.For(0, PerKind, i =>
        {
            var digit = HandDigits.Write(style, i, seed + i, pen);
            labels[i] = digit.Digit;
            images[i] = cropSide > 0 ? HandDigits.Stored(digit, cropSide, stretchedTo, upright, twoLevel)
                : paper is { } sheet ? PhotoDigits.OnPaper(digit, size != DigitSize.Large && i % 2 == 1 ? Paper.Squared : sheet, seed + i, size, photoWidth, photoWidth * 4 / 3, handShadow, pencil)
                : HandDigits.Canvas(digit);
        });
        return (images, labels);
    }
}
