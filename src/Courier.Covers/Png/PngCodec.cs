using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using StbImageSharp;

namespace Courier.Covers.Png;

/// <summary>
/// PNG in and out. StbImageSharp decodes the samples; the output is written here: IHDR and every
/// other chunk copied byte for byte in its place, the image data filtered row by row with the
/// original's filter types and deflated at the original's zlib level, in IDAT chunks of the
/// original's size. Only the samples differ.
/// </summary>
internal static class PngCodec
{
    /// <summary>Reads, checks and decodes <paramref name="png"/>: the file and its samples, interleaved, 8 bits each.</summary>
    /// <exception cref="CoverRefusedException">Malformed, over a cap or not supported.</exception>
    public static (PngFile File, byte[] Samples) Decode(ReadOnlySpan<byte> png)
    {
        var file = PngFile.Read(png);
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(file.Source, (ColorComponents)file.Channels);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new CoverRefusedException(CoverRefusal.Malformed, "The PNG decoder refused the image data.");
        }

        if (image.Width != file.Width || image.Height != file.Height || image.Data.Length != (long)file.RowBytes * file.Height)
        {
            throw new CoverRefusedException(CoverRefusal.Malformed, "The decoded image does not match its header.");
        }

        return (file, image.Data);
    }

    /// <summary>The file <paramref name="file"/> with its samples replaced by <paramref name="samples"/>.</summary>
    public static byte[] Encode(PngFile file, byte[] samples)
    {
        var rowBytes = file.RowBytes;
        var filtered = new byte[(long)(rowBytes + 1) * file.Height];
        Parallel.For(0, file.Height, y =>
        {
            var row = samples.AsSpan(y * rowBytes, rowBytes);
            var above = y == 0 ? default : samples.AsSpan((y - 1) * rowBytes, rowBytes);
            var output = filtered.AsSpan(y * (rowBytes + 1), rowBytes + 1);
            output[0] = file.RowFilters[y];
            Filter(file.RowFilters[y], row, above, file.Channels, output[1..]);
        });

        using var deflated = new MemoryStream(filtered.Length / 2);
        using (var zlib = new ZLibStream(deflated, new ZLibCompressionOptions { CompressionLevel = file.ZlibLevel }, leaveOpen: true))
        {
            zlib.Write(filtered);
        }

        using var output = new MemoryStream((int)Math.Min(int.MaxValue, deflated.Length + file.Source.Length / 16 + 1024));
        output.Write(file.Source.AsSpan(0, 8));
        foreach (var chunk in file.Before)
        {
            output.Write(file.Source.AsSpan(chunk));
        }

        var data = deflated.GetBuffer().AsSpan(0, (int)deflated.Length);
        for (var offset = 0; offset < data.Length; offset += file.IdatChunkLength)
        {
            WriteChunk(output, "IDAT"u8, data.Slice(offset, Math.Min(file.IdatChunkLength, data.Length - offset)));
        }

        foreach (var chunk in file.After)
        {
            output.Write(file.Source.AsSpan(chunk));
        }

        return output.ToArray();
    }

    static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    // PNG specification §9.2: None, Sub, Up, Average, Paeth on bytes, bpp = channels (8-bit samples).
    static void Filter(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bpp, Span<byte> output)
    {
        var hasAbove = !above.IsEmpty;
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = hasAbove ? above[i] : 0;
            int c = hasAbove && i >= bpp ? above[i - bpp] : 0;
            var predictor = type switch
            {
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => Paeth(a, b, c),
                _ => 0,
            };
            output[i] = unchecked((byte)(row[i] - predictor));
        }
    }

    static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
