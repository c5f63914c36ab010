using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>Blobs of ink that make up one digit, or several touching digits.</summary>
public sealed class InkGroup(InkComponent first)
{
    public List<InkComponent> Components { get; } = [first];

    public PixelBox Box { get; private set; } = first.Box;

    public int Area => Components.Sum(c => c.Area);

    public void Absorb(InkGroup other)
    {
        Components.AddRange(other.Components);
        Box = Box.Union(other.Box);
    }
}
