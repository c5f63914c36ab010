using System.Buffers.Binary;
using System.IO.Hashing;

namespace DigitApi.Tests;

/// <summary>Hand-built files that attack the decoder: bombs and other lies in headers.</summary>
public static class HostileImages
{
    /// <summary>
    /// A decompression bomb: a valid PNG header declaring the given size, followed by a small
    /// compressed stream of black rows (a real bomb would carry gigabytes of them).
    /// </summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var png = PngStart(width, height, colorType: 0, interlace: 0); // 8-bit grayscale
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[Math.Clamp(width, 0, 100_000) + 1]; // a real bomb carries all of its rows
            for (var i = 0; i < Math.Min(height, 16); i++)
            {
                zlib.Write(row);
            }
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// An Adam7-interlaced RGBA PNG of the given size whose rows are all zero: a few KB that a decoder must expand
    /// in full (an interlaced image cannot be decoded at a reduced size), twice over.
    /// </summary>
    public static byte[] InterlacedPngBomb(int width, int height)
    {
        using var png = PngStart(width, height, colorType: 6, interlace: 1); // 8-bit RGBA, Adam7
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var (x0, y0, dx, dy) in new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) })
            {
                var (passWidth, passHeight) = ((width - x0 + dx - 1) / dx, (height - y0 + dy - 1) / dy);
                if (passWidth <= 0 || passHeight <= 0)
                {
                    continue;
                }

                var row = new byte[1 + (passWidth * 4)];
                for (var y = 0; y < passHeight; y++)
                {
                    zlib.Write(row);
                }
            }
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A valid 8-bit gray PNG, white with a black upright bar (a "1") down its middle: a few KB that every decoder
    /// must inflate in full, since PNG cannot be decoded at a reduced size. Costly for its size, yet within the limits.
    /// </summary>
    public static byte[] LargePng(int width, int height)
    {
        using var png = PngStart(width, height, colorType: 0, interlace: 0);
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            var paper = new byte[1 + width];
            paper.AsSpan(1).Fill(255);
            var ink = (byte[])paper.Clone();
            ink.AsSpan(1 + (width * 9 / 20), width / 10).Clear();
            for (var y = 0; y < height; y++)
            {
                zlib.Write(y >= height / 8 && y < height * 7 / 8 ? ink : paper);
            }
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A JPEG that claims to be progressive and carries the first scan of <paramref name="jpeg"/> (a baseline JPEG)
    /// <paramref name="scans"/> times: each scan of a progressive image makes the decoder go over the whole image again.
    /// </summary>
    public static byte[] ScanBombJpeg(byte[] jpeg, int scans)
    {
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        var sos = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        var eoi = jpeg.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xD9]);
        using var bomb = new MemoryStream();
        bomb.Write(jpeg.AsSpan(0, sos));
        bomb.GetBuffer()[sof + 1] = 0xC2; // SOF2: progressive
        for (var i = 0; i < scans; i++)
        {
            bomb.Write(jpeg.AsSpan(sos, eoi - sos));
        }

        bomb.Write([0xFF, 0xD9]);
        return bomb.ToArray();
    }

    // The PNG signature and an IHDR chunk of 8 bits per sample.
    private static MemoryStream PngStart(int width, int height, byte colorType, byte interlace)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9], header[12]) = (8, colorType, interlace);
        WriteChunk(png, "IHDR", header);
        return png;
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        stream.Write(chunk);
    }

    /// <summary>
    /// At least a thousand files that must not break the service: every sample image truncated, bit-flipped
    /// and overwritten at many places, files that only pretend to be images, polyglots, headers declaring
    /// huge or impossible sizes, an animation of many frames, and degenerate images.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Corpus(string samplesFolder)
    {
        var random = new Random(20261123);
        foreach (var path in Directory.EnumerateFiles(samplesFolder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var original = File.ReadAllBytes(path);
            for (var i = 0; i < 30; i++)
            {
                var length = (int)((long)original.Length * i / 30);
                yield return ($"{name} truncated to {length} bytes", original[..length]);
            }

            for (var i = 0; i < 60; i++)
            {
                var flipped = (byte[])original.Clone();
                // Most flips land in the first bytes, where the headers and tables are.
                var at = i % 2 == 0 ? random.Next(Math.Min(original.Length, 200)) : random.Next(original.Length);
                flipped[at] ^= (byte)(1 << random.Next(8));
                yield return ($"{name} bit {at} flipped", flipped);
            }

            for (var i = 0; i < 15; i++)
            {
                var overwritten = (byte[])original.Clone();
                var at = random.Next(Math.Min(original.Length, 64), original.Length);
                random.NextBytes(overwritten.AsSpan(at, Math.Min(32, original.Length - at)));
                yield return ($"{name} garbage at {at}", overwritten);
            }
        }

        foreach (var (name, bytes) in Impostors())
        {
            yield return (name, bytes);
        }

        foreach (var (width, height) in new[] { (50_000, 50_000), (20_000, 1), (1, 20_000), (65_535, 65_535), (0, 0), (int.MaxValue, 1), (-1, -1) })
        {
            yield return ($"PNG declaring {width}x{height}", PngBomb(width, height));
        }

        yield return ("GIF declaring 65535x65535", Gif(65_535, 65_535, frames: 1));
        yield return ("GIF with 500 frames", Gif(8, 8, frames: 500));
        yield return ("1x1 GIF", Gif(1, 1, frames: 1));
        yield return ("BMP declaring 50000x50000", BmpHeader(50_000, 50_000));
        yield return ("BMP declaring negative width", BmpHeader(-5, 5));
        var jpeg = File.ReadAllBytes(Path.Combine(samplesFolder, "seven.jpg"));
        yield return ("JPEG declaring 65500x65500", PatchJpegSize(jpeg, 65_500, 65_500));
        yield return ("JPEG declaring 0x0", PatchJpegSize(jpeg, 0, 0));
        var webp = File.ReadAllBytes(Path.Combine(samplesFolder, "seven.webp"));
        yield return ("WebP declaring 16383x16383", PatchWebpSize(webp, 16_383, 16_383));
        yield return ("1x1 PNG", Png1x1);

        for (var i = 0; i < 40; i++)
        {
            var noise = new byte[random.Next(1, 4096)];
            random.NextBytes(noise);
            yield return ($"{noise.Length} random bytes", noise);
        }
    }

    private static readonly byte[] Png1x1 = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==");

    private static IEnumerable<(string, byte[])> Impostors()
    {
        var utf8 = System.Text.Encoding.UTF8;
        yield return ("empty file", []);
        yield return ("one zero byte", [0]);
        yield return ("4 KB of zeros", new byte[4096]);
        yield return ("text", utf8.GetBytes("this is a seven, trust me"));
        yield return ("HTML", utf8.GetBytes("<!doctype html><html><body><script>alert(1)</script><img src=x></body></html>"));
        yield return ("JSON", utf8.GetBytes("{\"image\": \"iVBORw0KGgo=\", \"digit\": 7}"));
        yield return ("SVG", utf8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' width='28' height='28'><text y='20'>7</text></svg>"));
        yield return ("PDF", utf8.GetBytes("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"));
        yield return ("ZIP", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        yield return ("ELF", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        foreach (var (format, magic) in new (string, byte[])[]
        {
            ("PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), ("JPEG", [0xFF, 0xD8, 0xFF]), ("GIF", utf8.GetBytes("GIF89a")),
            ("BMP", utf8.GetBytes("BM")), ("WebP", utf8.GetBytes("RIFF\0\0\0\0WEBPVP8 ")),
        })
        {
            yield return ($"{format} signature only", magic);
            yield return ($"{format} signature then HTML", [.. magic, .. utf8.GetBytes("<html><script>alert(1)</script></html>")]);
            yield return ($"{format} signature then 64 KB of 0xFF", [.. magic, .. Enumerable.Repeat((byte)0xFF, 65_536)]);
        }

        yield return ("GIF/JavaScript polyglot", utf8.GetBytes("GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);"));
        yield return ("PNG with a ZIP appended", [.. Png1x1, .. new byte[] { 0x50, 0x4B, 0x05, 0x06 }, .. new byte[18]]);
    }

    /// <summary>A GIF89a of 1x1 frames on a logical screen of the given size.</summary>
    public static byte[] Gif(int width, int height, int frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(size, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(size[2..], (ushort)height);
        gif.Write(size);
        gif.Write([0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]); // global table: black, white
        gif.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]);
        for (var i = 0; i < frames; i++)
        {
            gif.Write([0x21, 0xF9, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00]);
            gif.Write([0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00]);
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>A BMP file and info header declaring the size, with a few bytes of pixels.</summary>
    public static byte[] BmpHeader(int width, int height)
    {
        var bmp = new byte[54 + 16];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    private static byte[] PatchJpegSize(byte[] jpeg, int width, int height)
    {
        var patched = (byte[])jpeg.Clone();
        var sof = patched.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(sof + 7), (ushort)width);
        return patched;
    }

    private static byte[] PatchWebpSize(byte[] webp, int width, int height)
    {
        var patched = (byte[])webp.Clone();
        var start = patched.AsSpan().IndexOf([(byte)0x9D, (byte)0x01, (byte)0x2A]); // VP8 key frame start code
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(start + 3), (ushort)(width & 0x3FFF));
        BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(start + 5), (ushort)(height & 0x3FFF));
        return patched;
    }
}
