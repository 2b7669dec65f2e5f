using System.Buffers.Binary;
using System.Security.Cryptography;
using Courier.Covers.Png;

namespace Courier.Covers;

/// <summary>What an embedding changed.</summary>
/// <param name="Changes">Samples changed (each by ±1).</param>
/// <param name="Bits">Payload bits embedded.</param>
public readonly record struct EmbedStats(long Changes, long Bits)
{
    /// <summary>Samples changed per embedded bit (issue 19, must-hold 6: at most 0.25 at the default rate).</summary>
    public double ChangesPerBit => Bits == 0 ? 0 : (double)Changes / Bits;
}

/// <summary>A stego image and what making it changed.</summary>
/// <param name="Png">The stego PNG: the cover's file with some samples changed by ±1.</param>
/// <param name="Stats">The changes and bits.</param>
/// <param name="CoverDigest">The cover's <see cref="CoverImage.Digest"/>, for the caller's list of covers used.</param>
public sealed record EmbedResult(byte[] Png, EmbedStats Stats, byte[] CoverDigest);

/// <summary>
/// A payload hidden in 8-bit greyscale or truecolour PNG photographs (docs/covers.md): HILL costs,
/// syndrome-trellis coding on the parities of a keyed selection of colour samples, ±1 changes.
/// The payload is expected to look random already (a bundle); it is masked by a keystream all the same,
/// so that what <see cref="Extract"/> returns from any image looks alike.
/// </summary>
public static class CoverImage
{
    /// <summary>The declared rate: payload bits per pixel.</summary>
    public const double DefaultRate = 0.05;

    /// <summary>The highest rate accepted, in bits per pixel.</summary>
    public const double MaxRate = 0.1;

    /// <summary>The largest PNG file accepted, in bytes.</summary>
    public const int MaxFileBytes = PngFile.MaxFileBytes;

    /// <summary>The key's size in bytes.</summary>
    public const int KeySize = 32;

    // The code uses up to 16 samples per payload bit (relative payload 1/16): enough for the coding to
    // spend changes well, few enough for the trellis to be fast on a 12-megapixel photograph.
    const int ColumnsPerBit = 16;

    // The trellis runs in independent segments of this many payload bits, on both cores.
    const int SegmentBits = 1 << 15;

    // A sample that must not change (under a pixel that is not opaque).
    const float Wet = 1e6f;

    /// <summary>The payload, in bytes, that <paramref name="png"/> can carry at <paramref name="rate"/>.</summary>
    /// <exception cref="CoverRefusedException">Not a supported PNG, or the rate is out of range.</exception>
    public static int Capacity(ReadOnlySpan<byte> png, double rate = DefaultRate)
    {
        CheckRate(rate);
        var file = PngFile.Read(png);
        return (int)((long)file.Width * file.Height * rate / 8);
    }

    /// <summary>A cover's digest (SHA-256 of its size and samples): the same picture re-saved gives the same digest.</summary>
    /// <exception cref="CoverRefusedException">Not a supported PNG.</exception>
    public static byte[] Digest(ReadOnlySpan<byte> png)
    {
        return DigestOf(PngFile.Read(png));
    }

    /// <summary>Hides <paramref name="payload"/> in <paramref name="cover"/> at <paramref name="rate"/> bits per pixel.</summary>
    /// <param name="cover">The cover PNG.</param>
    /// <param name="payload">The payload; one image carries up to <see cref="Capacity"/> bytes.</param>
    /// <param name="key">32 bytes that seed the order of the samples used.</param>
    /// <param name="rate">Bits per pixel, at most <see cref="MaxRate"/>.</param>
    /// <param name="usedDigests">The digests of covers used before; a match is refused.</param>
    /// <exception cref="CoverRefusedException">The cover would betray the payload or is too small; the reason says which.</exception>
    public static EmbedResult Embed(ReadOnlySpan<byte> cover, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key,
        double rate = DefaultRate, IEnumerable<byte[]>? usedDigests = null) =>
        EmbedPart(cover, payload, key, 0, rate, usedDigests);

    /// <summary>The <paramref name="payloadLength"/> bytes that <paramref name="image"/> carries under <paramref name="key"/>.</summary>
    /// <remarks>
    /// Any image gives bytes: from one that carries nothing, or carries something under another key,
    /// they look as random as a payload does. Only the payload's own structure (a bundle's keyed index)
    /// tells.
    /// </remarks>
    /// <exception cref="CoverRefusedException">Not a supported PNG, or too small for that many bytes.</exception>
    public static byte[] Extract(ReadOnlySpan<byte> image, int payloadLength, ReadOnlySpan<byte> key) =>
        ExtractPart(image, payloadLength, key, 0);

    /// <summary>
    /// Spreads <paramref name="payload"/> over <paramref name="covers"/> in their order: cut into as
    /// many parts of equal length, the last padded with random bytes; each part under its own key
    /// derived from <paramref name="key"/> and the image's place.
    /// </summary>
    /// <exception cref="CoverRefusedException">A cover is refused; nothing is embedded.</exception>
    public static IReadOnlyList<EmbedResult> EmbedSpread(IReadOnlyList<byte[]> covers, ReadOnlySpan<byte> payload,
        ReadOnlySpan<byte> key, double rate = DefaultRate, IEnumerable<byte[]>? usedDigests = null)
    {
        ArgumentNullException.ThrowIfNull(covers);
        ArgumentOutOfRangeException.ThrowIfZero(covers.Count);
        var partLength = PartLength(payload.Length, covers.Count);
        var parts = new byte[partLength * covers.Count];
        payload.CopyTo(parts);
        RandomNumberGenerator.Fill(parts.AsSpan(payload.Length));

        // Every cover is checked for size before any is embedded.
        for (var i = 0; i < covers.Count; i++)
        {
            var header = PngFile.Read(covers[i]);
            var pixels = (long)header.Width * header.Height;
            var needed = NeededPixels(partLength, rate);
            if (needed > pixels)
            {
                throw new CoverRefusedException(CoverRefusal.TooSmall,
                    $"Image {i + 1} of {covers.Count} has {pixels} pixels; each part of {partLength} bytes needs {needed} at {rate} bits per pixel.", needed);
            }
        }

        var used = usedDigests?.ToList() ?? [];
        var results = new List<EmbedResult>(covers.Count);
        for (var i = 0; i < covers.Count; i++)
        {
            var result = EmbedPart(covers[i], parts.AsSpan(i * partLength, partLength), key, i, rate, used);
            used.Add(result.CoverDigest);
            results.Add(result);
        }

        return results;
    }

    /// <summary>The payload of <paramref name="payloadLength"/> bytes that <see cref="EmbedSpread"/> spread over <paramref name="images"/>.</summary>
    public static byte[] ExtractSpread(IReadOnlyList<byte[]> images, int payloadLength, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfZero(images.Count);
        var partLength = PartLength(payloadLength, images.Count);
        var payload = new byte[partLength * images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            ExtractPart(images[i], partLength, key, i).CopyTo(payload, i * partLength);
        }

        return payload[..payloadLength];
    }

    static EmbedResult EmbedPart(ReadOnlySpan<byte> cover, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key, int part,
        double rate, IEnumerable<byte[]>? usedDigests)
    {
        CheckRate(rate);
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfZero(payload.Length);
        var file = PngFile.Read(cover);
        var samples = file.Samples;
        var pixels = (long)file.Width * file.Height;
        var needed = NeededPixels(payload.Length, rate);
        if (needed > pixels)
        {
            throw new CoverRefusedException(CoverRefusal.TooSmall,
                $"The cover has {pixels} pixels; {payload.Length} bytes at {rate} bits per pixel need {needed}.", needed);
        }

        var digest = DigestOf(file);
        foreach (var used in usedDigests ?? [])
        {
            if (used.Length == digest.Length && CryptographicOperations.FixedTimeEquals(used, digest))
            {
                throw new CoverRefusedException(CoverRefusal.UsedBefore,
                    "This cover was used before: two stego versions of one photograph show the changes. Use another photograph.");
            }
        }

        CoverChecks.Check(file.Width, file.Height, file.Channels, file.ColourChannels, samples);
        var costs = Hill.Costs(samples, file.Width, file.Height, file.Channels, file.ColourChannels);

        var message = Mask(payload, key, part);
        var order = Order(file, message.Length, key, part);
        long changes = 0;
        Parallel.For(0, Segments(message.Length), segment =>
        {
            var (elements, bits) = Segment(order, message, segment);
            var (parities, rho) = Gather(file, samples, costs, elements);
            var stego = Stc.Embed(parities, rho, bits);
            var directions = new byte[elements.Length];
            RandomNumberGenerator.Fill(directions);
            long changed = 0;
            for (var i = 0; i < elements.Length; i++)
            {
                if (stego[i] != parities[i])
                {
                    var sample = Locate(file, elements[i]).Sample;
                    var value = samples[sample];
                    // ±1 with the sign at random, except where the range ends.
                    samples[sample] = (byte)(value == 0 || (value != 255 && (directions[i] & 1) == 0) ? value + 1 : value - 1);
                    changed++;
                }
            }

            Interlocked.Add(ref changes, changed);
        });

        return new EmbedResult(PngCodec.Encode(file, samples), new EmbedStats(changes, message.Length), digest);
    }

    static byte[] ExtractPart(ReadOnlySpan<byte> image, int payloadLength, ReadOnlySpan<byte> key, int part)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(payloadLength);
        var file = PngFile.Read(image);
        var samples = file.Samples;
        var needed = NeededPixels(payloadLength, MaxRate);
        if (needed > (long)file.Width * file.Height)
        {
            throw new CoverRefusedException(CoverRefusal.TooSmall,
                $"The image is too small to carry {payloadLength} bytes at any accepted rate.", needed);
        }

        var bits = new byte[payloadLength * 8];
        var order = Order(file, bits.Length, key, part);
        Parallel.For(0, Segments(bits.Length), segment =>
        {
            var (elements, _) = Segment(order, bits, segment);
            var parities = new byte[elements.Length];
            for (var i = 0; i < elements.Length; i++)
            {
                parities[i] = (byte)(samples[Locate(file, elements[i]).Sample] & 1);
            }

            Stc.Extract(parities, bits.AsSpan(SegmentRange(bits.Length, Segments(bits.Length), segment)));
        });

        var payload = new byte[payloadLength];
        for (var i = 0; i < bits.Length; i++)
        {
            payload[i >> 3] |= (byte)(bits[i] << (i & 7));
        }

        new Keystream(key, part, Keystream.Mask).Xor(payload);
        return payload;
    }

    /// <summary>The parities and costs of <paramref name="elements"/>, in their order.</summary>
    internal static (byte[] Parities, float[] Costs) Gather(PngFile file, byte[] samples, float[][] costs, ReadOnlySpan<int> elements)
    {
        var parities = new byte[elements.Length];
        var rho = new float[elements.Length];
        for (var i = 0; i < elements.Length; i++)
        {
            var (sample, channel, pixel) = Locate(file, elements[i]);
            parities[i] = (byte)(samples[sample] & 1);
            rho[i] = file.HasAlpha && samples[pixel * file.Channels + file.Channels - 1] != 255 ? Wet : costs[channel][pixel];
        }

        return (parities, rho);
    }

    static int[] Order(PngFile file, int bits, ReadOnlySpan<byte> key, int part)
    {
        var total = checked(file.Width * file.Height * file.ColourChannels);
        return ElementOrder.Draw(key, part, total, (int)Math.Min(total, (long)ColumnsPerBit * bits));
    }

    // The payload masked by the keystream, as bits (least significant first).
    static byte[] Mask(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> key, int part)
    {
        var masked = payload.ToArray();
        new Keystream(key, part, Keystream.Mask).Xor(masked);
        var bits = new byte[masked.Length * 8];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (byte)((masked[i >> 3] >> (i & 7)) & 1);
        }

        CryptographicOperations.ZeroMemory(masked);
        return bits;
    }

    static int Segments(int bits) => (bits + SegmentBits - 1) / SegmentBits;

    static Range SegmentRange(int length, int segments, int segment) =>
        new((int)((long)segment * length / segments), (int)((long)(segment + 1) * length / segments));

    static (int[] Elements, byte[] Bits) Segment(int[] order, byte[] bits, int segment)
    {
        var segments = Segments(bits.Length);
        return (order[SegmentRange(order.Length, segments, segment)], bits[SegmentRange(bits.Length, segments, segment)]);
    }

    static (int Sample, int Channel, int Pixel) Locate(PngFile file, int element)
    {
        var pixel = element / file.ColourChannels;
        var channel = element - pixel * file.ColourChannels;
        return (pixel * file.Channels + channel, channel, pixel);
    }

    static byte[] DigestOf(PngFile file)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[28];
        "courier cover v1"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[16..], file.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[20..], file.Height);
        BinaryPrimitives.WriteInt32BigEndian(header[24..], file.Channels);
        sha.AppendData(header);
        sha.AppendData(file.Samples);
        return sha.GetHashAndReset();
    }

    static int PartLength(int payloadLength, int parts) => (payloadLength + parts - 1) / parts;

    static long NeededPixels(int payloadBytes, double rate) => (long)Math.Ceiling(payloadBytes * 8.0 / rate);

    static void CheckRate(double rate)
    {
        if (!(rate > 0 && rate <= MaxRate))
        {
            throw new CoverRefusedException(CoverRefusal.Rate, $"The rate must be above 0 and at most {MaxRate} bits per pixel.");
        }
    }

    static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        }
    }
}
