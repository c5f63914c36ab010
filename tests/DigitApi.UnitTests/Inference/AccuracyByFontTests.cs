using DigitApi.Tests;

namespace DigitApi.UnitTests.Inference;

/// <summary>
/// Accuracy of the default model through the real pipeline on digits from the handwriting fonts Debian packages, two sets
/// per font, each with its own floor: drawn here by SkiaSharp (<see cref="FontDigits"/>), not by the training pipeline's
/// renderer, on canvases and on phone photos of plain, ruled and squared paper; and cut out as postal and form readers
/// store digits (16x16 scans, 32x32 two-level bitmaps, stretched or not, 8x8 block counts). The fonts marked held out are
/// never trained on (models/train/uploads.py's DIGIT_FONTS_HELDOUT); the others' digits are among the training uploads,
/// rendered and presented another way.
/// </summary>
public class AccuracyByFontTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    private const int PerFont = 100;

    /// <summary>A font: its Debian package, its file under <see cref="FontDigits.Root"/>, and its floors on paper and as scans.</summary>
    private sealed record Font(string Package, string File, double Floor, double ScanFloor);

    private static readonly Dictionary<string, Font> All = new()
    {
        ["dkg-handwriting"] = new("fonts-dkg-handwriting", "truetype/fifthhorseman/dkg.ttf", 95, 95),
        ["breip"] = new("fonts-breip", "truetype/breip/Breip.ttf", 95, 95),
        ["rufscript"] = new("fonts-rufscript", "truetype/rufscript/Rufscript010.ttf", 91, 91),
        ["steve-hand"] = new("fonts-sjfonts", "truetype/sjfonts/SteveHand.ttf", 95, 95),
        ["because-we-learn"] = new("fonts-bwht", "opentype/bwht/BecauseWeLearn-Regular.otf", 95, 93),
        ["dancing-script"] = new("fonts-dancingscript", "opentype/dancingscript/DancingScript-Regular.otf", 95, 95),
        ["kristi"] = new("fonts-kristi", "truetype/kristi/Kristi.ttf", 89, 83),
        ["klee"] = new("fonts-klee", "truetype/klee/KleeOne-Regular.ttf", 92, 95),
        ["seto"] = new("fonts-seto", "truetype/seto/setofont.ttf", 95, 95),
        ["kiloji"] = new("fonts-kiloji", "truetype/kiloji/kiloji.ttf", 95, 95),
        ["femkeklaver"] = new("fonts-femkeklaver", "truetype/femkeklaver/femkeklaver.ttf", 75, 56), // 78 % and 62 % as scans today: sketchy bubble outlines, a 5 or a 7 read as 8
        ["ecolier"] = new("fonts-ecolier-court", "truetype/ecolier-court/Ecolier-court.ttf", 74, 62), // 80 % and 67 % as scans today: a school's copperplate, whose hairlines fade in a small digit (a 2 read as 9, a 4 or a 0 as 1)
        ["joscelyn"] = new("fonts-joscelyn", "opentype/joscelyn/Joscelyn-Regular.otf", 87, 91), // 96 % today: a secretary hand's old-style figures (a 1 read as 2)
        ["navilu"] = new("fonts-navilu", "truetype/Navilu/Navilu.ttf", 92, 93),
        ["lobster"] = new("fonts-lobster", "opentype/lobster/lobster.otf", 95, 95),
        ["havana"] = new("fonts-havana", "opentype/havana/Havana-Regular.otf", 93, 93),

        // Held out.
        ["humor-sans"] = new("fonts-humor-sans", "truetype/humor-sans/Humor-Sans.ttf", 95, 95),
        ["kaushan-script"] = new("fonts-kaushanscript", "opentype/kaushanscript/KaushanScript-Regular.otf", 95, 95),
        ["delphine"] = new("fonts-sjfonts", "truetype/sjfonts/Delphine.ttf", 93, 88),
        ["because-we-mentor"] = new("fonts-bwht", "opentype/bwht/BecauseWeMentor-Regular.otf", 95, 95),
        ["dkg-handwriting-bold-italic"] = new("fonts-dkg-handwriting", "truetype/fifthhorseman/dkgBI.ttf", 91, 81),
        ["kiloji-d"] = new("fonts-kiloji", "truetype/kiloji/kiloji_d.ttf", 92, 95),
        ["leckerli-one"] = new("fonts-leckerli-one", "truetype/leckerli-one/LeckerliOne-Regular.ttf", 95, 95),
        ["aoyagi-soseki"] = new("fonts-aoyagi-soseki", "truetype/aoyagi-soseki/aoyagi-soseki.ttf", 92, 91),
        // Not in the validation sets either: a Japanese handwriting family's Latin digits.
        ["yozfont"] = new("fonts-yozvox-yozfont", "truetype/yozvox-yozfont/YOzRN_.ttf", 95, 95),
        ["yozfont-bold-italic"] = new("fonts-yozvox-yozfont", "truetype/yozvox-yozfont/YOzBN_i.ttf", 95, 95),
    };

    public static TheoryData<string> Fonts => [.. All.Keys];

    [Theory]
    [MemberData(nameof(Fonts))]
    public void Font_reaches_its_floor(string name) => Reached(name, name, font => font.Floor, (digit, i, seed) => (i % 4) switch
    {
        0 => HandDigits.Canvas(digit),
        var paper => PhotoDigits.OnPaper(digit, (Paper)(paper - 1), seed, width: 300, height: 400),
    });

    /// <summary>
    /// The font's digits cut out as readers store them, in turn: a 16x16 gray scan, a 32x32 two-level bitmap, that bitmap
    /// stretched onto NIST's 20x32 box, and its 4x4 block counts (8x8). A font's hairlines and outlines fare worst here.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fonts))]
    public void Font_stored_as_a_scan_reaches_its_floor(string name) => Reached(name, $"{name}-scans", font => font.ScanFloor, (digit, i, _) => (i % 4) switch
    {
        0 => HandDigits.Stored(digit, 16),
        1 => HandDigits.Stored(digit, 32),
        2 => HandDigits.Stored(digit, 32, stretchedTo: TestImages.NistFormAspect),
        _ => HandDigits.Stored(digit, 8),
    });

    // PerFont digits of the named font, each presented by `present` (the digit, its index, its seed), read by the default
    // model and held to the font's floor for the set (`set`: its name in the test's output).
    private void Reached(string name, string set, Func<Font, double> floor, Func<FontDigit, int, int, byte[]> present)
    {
        var font = All[name];
        OptionalComponent.Require(File.Exists(Path.Combine(FontDigits.Root, font.File)), $"The font {font.File} is not installed (apt-get install {font.Package}).");
        var seed = All.Keys.ToList().IndexOf(name) * 10_000;
        var images = new byte[PerFont][];
        var labels = new int[PerFont];
        Parallel.For(0, PerFont, i =>
        {
            var digit = FontDigits.Write(font.File, i, seed + i);
            labels[i] = digit.Digit;
            images[i] = present(digit, i, seed + i);
        });

        var predicted = pipeline.Classify(images);

        AccuracyFloor.Reached(set, predicted, labels, floor(font));
    }
}
