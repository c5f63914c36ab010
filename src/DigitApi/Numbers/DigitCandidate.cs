using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>Ink that may be one digit: the pixels of <see cref="LabelMap"/> carrying one of <see cref="Labels"/>.</summary>
/// <param name="LabelMap">A component label per pixel of the ink image; split candidates get a map of their own.</param>
/// <param name="Labels">The labels that make up this digit.</param>
/// <param name="Box">Where the digit lies on the ink image.</param>
public sealed record DigitCandidate(int[] LabelMap, IReadOnlySet<int> Labels, PixelBox Box);
