using DigitApi.Tests;

namespace DigitApi.Benchmarks;

/// <summary>The three uploads the benchmarks and the load scripts use, made from one MNIST test digit (a 7).</summary>
public static class SampleImages
{
    public const string Mnist = "mnist-28x28.png";
    public const string Canvas = "canvas-280x280.png";
    public const string Photo = "photo-1200x1600.jpg";

    /// <summary>The first digit of the official test set; its label is 7.</summary>
    public const int Label = 7;

    public static IReadOnlyList<string> Names { get; } = [Mnist, Canvas, Photo];

    public static byte[] Get(string name)
    {
        var digit = MnistTestSet.Instance.Images[0];
        return name switch
        {
            Mnist => TestImages.MnistPng(digit),
            Canvas => TestImages.TransparentCanvas(digit),
            Photo => PhotoDigits.Photo(digit, seed: 1),
            _ => throw new ArgumentException($"Unknown sample image '{name}'; one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
