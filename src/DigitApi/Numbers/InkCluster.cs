using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>One way to cut a cluster of ink into digits.</summary>
/// <param name="Digits">The digits, left to right.</param>
/// <param name="StrokesCut">Pen strokes the cuts cross: touching digits meet in one stroke, a digit cut in two crosses more.</param>
public sealed record InkReading(IReadOnlyList<DigitCandidate> Digits, int StrokesCut);

/// <summary>
/// Ink that holds one digit, or several touching ones, with the ways it can be read. Most clusters
/// have a single reading.
/// </summary>
/// <param name="Box">The cluster's extent on the ink image.</param>
/// <param name="DigitHeight">The typical height of the number's digits, in pixels.</param>
/// <param name="Readings">Alternative cuts into digits.</param>
public sealed record InkCluster(PixelBox Box, double DigitHeight, IReadOnlyList<InkReading> Readings);
