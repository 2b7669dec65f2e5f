using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Courier.Covers.Png;

/// <summary>
/// A PNG's chunk stream (PNG specification, third edition, §5), checked and bounded: the header, the
/// chunks to copy byte for byte, the filter type of each row and the zlib level of the image data.
/// Pixels are decoded by StbImageSharp (<see cref="PngCodec"/>); this is what it does not keep.
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

    /// <summary>Reads and checks <paramref name="png"/>; the pixels are left to the decoder.</summary>
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

        file.CheckImageData(idat.GetBuffer().AsSpan(0, (int)idat.Length));
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

    // Inflates with a bound (the decoder's inflater would grow its buffer without one) and keeps the
    // row filter types; the samples themselves are the decoder's.
    void CheckImageData(ReadOnlySpan<byte> zlib)
    {
        if (zlib.Length < 2)
        {
            throw Refuse(CoverRefusal.Malformed, "The image data is not a zlib stream.");
        }

        ZlibLevel = (zlib[1] >> 6) switch { 0 => 1, 1 => 5, 2 => 6, _ => 9 };
        var rowLength = RowBytes + 1;
        var expected = (long)rowLength * Height;
        RowFilters = new byte[Height];
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            unsafe
            {
                fixed (byte* p = zlib)
                {
                    using var input = new UnmanagedMemoryStream(p, zlib.Length);
                    using var inflate = new ZLibStream(input, CompressionMode.Decompress);
                    int read;
                    while ((read = inflate.Read(buffer)) > 0)
                    {
                        for (var row = (total + rowLength - 1) / rowLength; row * rowLength < total + read && row < Height; row++)
                        {
                            var filter = buffer[(int)(row * rowLength - total)];
                            if (filter > 4)
                            {
                                throw Refuse(CoverRefusal.Malformed, "A row has an unknown filter type.");
                            }

                            RowFilters[row] = filter;
                        }

                        total += read;
                        if (total > expected)
                        {
                            throw Refuse(CoverRefusal.Malformed, "The image data inflates to more than the header's size.");
                        }
                    }
                }
            }
        }
        catch (InvalidDataException)
        {
            throw Refuse(CoverRefusal.Malformed, "The image data is not a valid zlib stream.");
        }

        if (total != expected)
        {
            throw Refuse(CoverRefusal.Malformed, "The image data inflates to less than the header's size.");
        }
    }

    static CoverRefusedException Refuse(CoverRefusal reason, string message) => new(reason, message);
}
