using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Courier.Covers.Png;

/// <summary>
/// PNG out (<see cref="PngFile"/> reads; docs/covers.md says why not through a library). The output keeps IHDR and every
/// other chunk copied byte for byte in its place, the image data filtered row by row with the
/// original's filter types and deflated at the original's zlib level, in IDAT chunks of the
/// original's size. Only the samples differ.
/// </summary>
internal static class PngCodec
{
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

        var data = Deflate(filtered, file.ZlibLevel, file.RowBytes + 1);
        using var output = new MemoryStream(data.Length + file.Source.Length / 16 + 1024);
        output.Write(file.Source.AsSpan(0, 8));
        foreach (var chunk in file.Before)
        {
            output.Write(file.Source.AsSpan(chunk));
        }

        for (var offset = 0; offset < data.Length; offset += file.IdatChunkLength)
        {
            WriteChunk(output, "IDAT"u8, data.AsSpan(offset, Math.Min(file.IdatChunkLength, data.Length - offset)));
        }

        foreach (var chunk in file.After)
        {
            output.Write(file.Source.AsSpan(chunk));
        }

        return output.ToArray();
    }

    // A zlib stream (RFC 1950) of data at level, deflated in pieces on all cores as pigz does: each piece
    // but the last ends with a sync flush (an empty stored block, byte-aligned), so the raw pieces
    // concatenate into one deflate stream; the Adler-32 is of the whole.
    static byte[] Deflate(byte[] data, int level, int rowLength)
    {
        var rows = data.Length / rowLength;
        var pieces = Math.Clamp(Math.Min(Environment.ProcessorCount, data.Length >> 20), 1, rows);
        var compressed = new byte[pieces][];
        Parallel.For(0, pieces, i =>
        {
            var start = (int)((long)rows * i / pieces) * rowLength;
            var end = (int)((long)rows * (i + 1) / pieces) * rowLength;
            using var piece = new MemoryStream((end - start) / 2);
            var deflate = new DeflateStream(piece, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
            deflate.Write(data, start, end - start);
            if (i < pieces - 1)
            {
                deflate.Flush();
                compressed[i] = piece.ToArray();
            }

            deflate.Dispose();
            if (i == pieces - 1)
            {
                compressed[i] = piece.ToArray();
            }
        });

        var result = new byte[2 + compressed.Sum(c => c.Length) + 4];
        // CMF: deflate, 32 KiB window; FLG: FLEVEL from the level, FCHECK so that CMF·256 + FLG ≡ 0 (mod 31).
        result[0] = 0x78;
        var flevel = level switch { <= 1 => 0, <= 5 => 1, 6 => 2, _ => 3 };
        result[1] = (byte)(flevel << 6);
        result[1] += (byte)((31 - (0x78 * 256 + result[1]) % 31) % 31);
        var offset = 2;
        foreach (var c in compressed)
        {
            c.CopyTo(result, offset);
            offset += c.Length;
        }

        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(offset), Adler32(data));
        return result;
    }

    // RFC 1950 §8.2: two sums modulo 65521, reduced every 5552 bytes (the most that cannot overflow).
    static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var block = data[..Math.Min(5552, data.Length)];
            foreach (var x in block)
            {
                a += x;
                b += a;
            }

            a %= 65521;
            b %= 65521;
            data = data[block.Length..];
        }

        return (b << 16) | a;
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

    // PNG specification §9.2: None, Sub, Up, Average, Paeth on bytes, bpp = channels (8-bit samples);
    // each byte less its predictor from the left (a), above (b) and above-left (c) bytes.
    static void Filter(byte type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int bpp, Span<byte> output)
    {
        if (type == 0 || (type == 2 && above.IsEmpty))
        {
            row.CopyTo(output);
            return;
        }

        if (type == 1 || (type == 2 && !above.IsEmpty))
        {
            var reference = type == 1 ? row : above;
            var shift = type == 1 ? bpp : 0;
            row[..shift].CopyTo(output);
            for (var i = shift; i < row.Length; i++)
            {
                output[i] = unchecked((byte)(row[i] - reference[i - shift]));
            }

            return;
        }

        var hasAbove = !above.IsEmpty;
        for (var i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = hasAbove ? above[i] : 0;
            int c = hasAbove && i >= bpp ? above[i - bpp] : 0;
            output[i] = unchecked((byte)(row[i] - (type == 3 ? (a + b) >> 1 : PngFile.Paeth(a, b, c))));
        }
    }
}
