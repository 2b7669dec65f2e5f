using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Courier.Covers.Png;

/// <summary>
/// A PNG's chunk stream (PNG specification, third edition, §5), checked and bounded: the header, the
/// chunks to copy byte for byte, the filter type of each row and the zlib level of the image data.
/// and the samples, unfiltered.
/// </summary>
internal sealed class PngFile
{
    /// <summary>The largest file read.</summary>
    public const int MaxFileBytes = 512 << 20;

    /// <summary>The widest or tallest image read.</summary>
    public const int MaxSide = 16384;

    /// <summary>The most pixels read (64 megapixels; a 12-megapixel photograph is well inside).</summary>
    public const long MaxPixels = 64L << 20;

    /// <summary>The largest ancillary chunk copied.</summary>
    public const int MaxAncillaryChunk = 16 << 20;

    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    PngFile(byte[] source) => Source = source;

    /// <summary>The file as read.</summary>
    public byte[] Source { get; }

    /// <summary>IHDR width (§11.2.1).</summary>
    public int Width { get; private set; }

    /// <summary>IHDR height.</summary>
    public int Height { get; private set; }

    /// <summary>IHDR colour type: 0 grey, 2 truecolour, 3 indexed, 4 grey with alpha, 6 truecolour with alpha.</summary>
    public byte ColorType { get; private set; }

    /// <summary>Samples per pixel.</summary>
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 1 };

    /// <summary>Samples per pixel that are colour (not alpha).</summary>
    public int ColourChannels => ColorType is 2 or 6 ? 3 : 1;

    /// <summary>Whether the image has an alpha sample.</summary>
    public bool HasAlpha => ColorType is 4 or 6;

    /// <summary>The chunks before the image data, IHDR first, byte for byte (length, type, data, CRC).</summary>
    public List<Range> Before { get; } = [];

    /// <summary>The chunks after the image data, IEND last, byte for byte.</summary>
    public List<Range> After { get; } = [];

    /// <summary>Each row's filter type (§7.3), kept so the re-encoded file compresses as the original did.</summary>
    public byte[] RowFilters { get; private set; } = [];

    /// <summary>zlib's compression level of the image data, from FLEVEL of its header (RFC 1950 §2.2): 1, 5, 6 or 9.</summary>
    public int ZlibLevel { get; private set; }

    /// <summary>The data length of the first IDAT chunk, used again when writing.</summary>
    public int IdatChunkLength { get; private set; }

    /// <summary>Bytes per row of unfiltered samples.</summary>
    public int RowBytes => Width * Channels;

    /// <summary>Reads, checks and decodes <paramref name="png"/>.</summary>
    /// <exception cref="CoverRefusedException">Malformed, over a cap, or a kind of PNG not supported.</exception>
    public static PngFile Read(ReadOnlySpan<byte> png)
    {
        if (png.Length > MaxFileBytes)
        {
            throw Refuse(CoverRefusal.TooLarge, $"The file is larger than {MaxFileBytes >> 20} MiB.");
        }

        if (png.Length < Signature.Length + 12 || !png[..8].SequenceEqual(Signature))
        {
            throw Refuse(CoverRefusal.Malformed, "Not a PNG file (no PNG signature).");
        }

        var file = new PngFile(png.ToArray());
        using var idat = new MemoryStream();
        var position = 8;
        var seenIdat = false;
        var idatEnded = false;
        var seenEnd = false;
        while (position < png.Length)
        {
            if (seenEnd)
            {
                throw Refuse(CoverRefusal.Malformed, "Data after IEND.");
            }

            if (png.Length - position < 12)
            {
                throw Refuse(CoverRefusal.Malformed, "A chunk is truncated.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            if (length > int.MaxValue || length > (uint)(png.Length - position - 12))
            {
                throw Refuse(CoverRefusal.Malformed, "A chunk's length runs past the end of the file.");
            }

            var type = png.Slice(position + 4, 4);
            var data = png.Slice(position + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png[(position + 8 + (int)length)..]);
            if (Crc32.HashToUInt32(png.Slice(position + 4, 4 + (int)length)) != crc)
            {
                throw Refuse(CoverRefusal.Malformed, "A chunk's CRC-32 does not match.");
            }

            foreach (var c in type)
            {
                if (!char.IsAsciiLetter((char)c))
                {
                    throw Refuse(CoverRefusal.Malformed, "A chunk type is not four ASCII letters.");
                }
            }

            var chunk = new Range(position, position + 12 + (int)length);
            var name = System.Text.Encoding.ASCII.GetString(type);
            var first = position == 8;
            position = chunk.End.Value;
            if (first != (name == "IHDR"))
            {
                throw Refuse(CoverRefusal.Malformed, "IHDR is not the first chunk, or appears twice.");
            }

            switch (name)
            {
                case "IHDR":
                    file.ReadHeader(data);
                    file.Before.Add(chunk);
                    continue;
                case "IDAT":
                    if (idatEnded)
                    {
                        throw Refuse(CoverRefusal.Malformed, "IDAT chunks are not consecutive.");
                    }

                    if (!seenIdat)
                    {
                        file.IdatChunkLength = Math.Max((int)length, 1);
                    }

                    seenIdat = true;
                    idat.Write(data);
                    continue;
                case "IEND":
                    seenEnd = true;
                    break;
                case "PLTE" when seenIdat:
                    throw Refuse(CoverRefusal.Malformed, "PLTE after the image data.");
                case "PLTE":
                    break;
                default:
                    if (char.IsAsciiLetterUpper(name[0]))
                    {
                        throw Refuse(CoverRefusal.Malformed, $"Unknown critical chunk {name}.");
                    }

                    if (length > MaxAncillaryChunk)
                    {
                        throw Refuse(CoverRefusal.TooLarge, $"An ancillary chunk is larger than {MaxAncillaryChunk >> 20} MiB.");
                    }

                    break;
            }

            idatEnded |= seenIdat;
            (seenIdat ? file.After : file.Before).Add(chunk);
        }

        if (!seenIdat || !seenEnd)
        {
            throw Refuse(CoverRefusal.Malformed, "No image data or no IEND.");
        }

        file.ReadImageData(idat.GetBuffer().AsSpan(0, (int)idat.Length));
        return file;
    }

    void ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw Refuse(CoverRefusal.Malformed, "IHDR is not 13 bytes.");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw Refuse(CoverRefusal.Malformed, "IHDR gives an empty or impossible size.");
        }

        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
        {
            throw Refuse(CoverRefusal.TooLarge, $"The image is larger than {MaxSide} pixels on a side or {MaxPixels >> 20} megapixels.");
        }

        Width = (int)width;
        Height = (int)height;
        var bitDepth = data[8];
        ColorType = data[9];
        if (ColorType == 3)
        {
            throw Refuse(CoverRefusal.Palette, "A palette image cannot hide ±1 changes: use a truecolour or greyscale photograph.");
        }

        if (ColorType is not (0 or 2 or 4 or 6) || data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            throw Refuse(CoverRefusal.Malformed, "IHDR has an invalid colour type, compression, filter or interlace method.");
        }

        if (bitDepth != 8)
        {
            throw Refuse(CoverRefusal.BitDepth, $"{bitDepth}-bit samples are not supported: use an 8-bit photograph.");
        }

        if (data[12] == 1)
        {
            throw Refuse(CoverRefusal.Interlaced, "An interlaced PNG is not supported: save the photograph without interlacing.");
        }
    }

    /// <summary>The samples, unfiltered (§9), interleaved, 8 bits each; set by <see cref="Read"/>.</summary>
    public byte[] Samples { get; private set; } = [];

    // Inflates into a buffer of exactly the header's size (a longer stream is refused, so a small file
    // cannot inflate without bound), then reverses each row's filter.
    void ReadImageData(ReadOnlySpan<byte> zlib)
    {
        if (zlib.Length < 2)
        {
            throw Refuse(CoverRefusal.Malformed, "The image data is not a zlib stream.");
        }

        ZlibLevel = (zlib[1] >> 6) switch { 0 => 1, 1 => 5, 2 => 6, _ => 9 };
        var rowLength = RowBytes + 1;
        var filtered = new byte[(long)rowLength * Height];
        var total = 0;
        try
        {
            unsafe
            {
                fixed (byte* p = zlib)
                {
                    using var input = new UnmanagedMemoryStream(p, zlib.Length);
                    using var inflate = new ZLibStream(input, CompressionMode.Decompress);
                    int read;
                    while (total < filtered.Length && (read = inflate.Read(filtered, total, filtered.Length - total)) > 0)
                    {
                        total += read;
                    }

                    Span<byte> extra = stackalloc byte[1];
                    if (total < filtered.Length || inflate.Read(extra) != 0)
                    {
                        throw Refuse(CoverRefusal.Malformed, "The image data does not inflate to the header's size.");
                    }
                }
            }
        }
        catch (InvalidDataException)
        {
            throw Refuse(CoverRefusal.Malformed, "The image data is not a valid zlib stream.");
        }

        RowFilters = new byte[Height];
        Samples = new byte[(long)RowBytes * Height];
        for (var y = 0; y < Height; y++)
        {
            RowFilters[y] = filtered[y * rowLength];
            if (RowFilters[y] > 4)
            {
                throw Refuse(CoverRefusal.Malformed, "A row has an unknown filter type.");
            }

            Unfilter(RowFilters[y], filtered.AsSpan(y * rowLength + 1, RowBytes),
                y == 0 ? default : Samples.AsSpan((y - 1) * RowBytes, RowBytes), Samples.AsSpan(y * RowBytes, RowBytes));
        }
    }

    // §9.2: each byte adds back its predictor from the left (a), above (b) and above-left (c) bytes.
    void Unfilter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> output)
    {
        var bpp = Channels;
        switch (filter)
        {
            case 0:
                row.CopyTo(output);
                break;
            case 1:
                row.CopyTo(output);
                for (var i = bpp; i < row.Length; i++)
                {
                    output[i] = unchecked((byte)(output[i] + output[i - bpp]));
                }

                break;
            case 2 when above.IsEmpty:
                row.CopyTo(output);
                break;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    output[i] = unchecked((byte)(row[i] + above[i]));
                }

                break;
            default:
                for (var i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? output[i - bpp] : 0;
                    int b = above.IsEmpty ? 0 : above[i];
                    int c = above.IsEmpty || i < bpp ? 0 : above[i - bpp];
                    output[i] = unchecked((byte)(row[i] + (filter == 3 ? (a + b) >> 1 : Paeth(a, b, c))));
                }

                break;
        }
    }

    /// <summary>The Paeth predictor (§9.4).</summary>
    public static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static CoverRefusedException Refuse(CoverRefusal reason, string message) => new(reason, message);
}
