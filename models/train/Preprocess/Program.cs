using DigitApi.Imaging;
using Microsoft.Extensions.Options;

// Usage: Preprocess <uploads.bin> <digits.bin>
// uploads.bin: records of [int32 little-endian length][encoded image bytes].
// digits.bin:  one record per upload, in order: [byte status][4 int32: x, y, width, height of the ink found,
//              in the upload's pixels][int32: the side of the image the digit was read from (PreparedDigit.SourceSide)]
//              [784 float32], all little-endian, where status is
//              0 = a digit (the 28x28 in [0, 1], ink bright, exactly what DigitPreprocessor produces),
//              1 = rejected as blank (no digit found), 2 = rejected otherwise (format, damage, size).
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Preprocess <uploads.bin> <digits.bin>");
    return 2;
}

var uploads = ReadRecords(args[0]);
var preprocessor = new DigitPreprocessor(new SkiaImageDecoder(Options.Create(new ImageOptions())));
var status = new byte[uploads.Count];
var pixels = new float[uploads.Count][];
var boxes = new PixelBox[uploads.Count];
var sides = new int[uploads.Count];
Parallel.For(0, uploads.Count, i =>
{
    try
    {
        var image = preprocessor.Decoder.Decode(uploads[i]);
        var digit = DigitPreprocessor.Prepare(image);
        pixels[i] = digit.Pixels;
        boxes[i] = digit.Box.Scale(image.SourceScaleX, image.SourceScaleY);
        sides[i] = digit.SourceSide;
    }
    catch (ImageRejectedException e)
    {
        status[i] = e.Reason == ImageRejection.NoDigitFound ? (byte)1 : (byte)2;
    }
});

using (var output = new BinaryWriter(File.Create(args[1])))
{
    var blank = new float[784];
    for (var i = 0; i < uploads.Count; i++)
    {
        output.Write(status[i]);
        output.Write(boxes[i].X);
        output.Write(boxes[i].Y);
        output.Write(boxes[i].Width);
        output.Write(boxes[i].Height);
        output.Write(sides[i]);
        foreach (var value in pixels[i] ?? blank)
        {
            output.Write(value);
        }
    }
}

Console.WriteLine($"{uploads.Count} uploads: {status.Count(s => s == 0)} digits, {status.Count(s => s == 1)} blank, {status.Count(s => s == 2)} rejected");
return 0;

static List<byte[]> ReadRecords(string path)
{
    var records = new List<byte[]>();
    using var input = new BinaryReader(File.OpenRead(path));
    while (input.BaseStream.Position < input.BaseStream.Length)
    {
        records.Add(input.ReadBytes(input.ReadInt32()));
    }

    return records;
}
