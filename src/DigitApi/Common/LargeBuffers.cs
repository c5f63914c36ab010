using System.Buffers;

namespace DigitApi.Common;

/// <summary>
/// Byte buffers for uploads and decoded pixels. Everyday sizes come from the shared pool, so the normal path
/// allocates nothing; larger ones are allocated and left to the collector, because the shared pool keeps every
/// size it has seen (up to 1 GiB per array, per core): one burst of 40-megapixel images would otherwise stay
/// resident for the life of the process.
/// </summary>
public static class LargeBuffers
{
    /// <summary>Buffers up to this length are pooled: a photo-sized upload or a canvas-sized RGBA frame.</summary>
    public const int PooledLength = 4 * 1024 * 1024;

    public static byte[] Rent(int length) =>
        length <= PooledLength ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= PooledLength)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
