namespace Courier.Covers;

/// <summary>Why a cover (or a file offered as one) is refused.</summary>
public enum CoverRefusal
{
    /// <summary>Not a well-formed PNG (signature, chunk order, CRC-32, zlib stream or its size).</summary>
    Malformed,

    /// <summary>A size the file declares is over a cap (dimensions, a chunk, the file).</summary>
    TooLarge,

    /// <summary>A palette image: its colours are indices, and ±1 on an index is visible.</summary>
    Palette,

    /// <summary>Not 8 bits per sample (16-bit and 1-, 2-, 4-bit images are not supported).</summary>
    BitDepth,

    /// <summary>An Adam7-interlaced PNG: re-saved without interlacing it would change a property of the file.</summary>
    Interlaced,

    /// <summary>Large areas of one exact value: a change there would stand out.</summary>
    FlatAreas,

    /// <summary>Few colours or many exactly repeated neighbours: a screenshot or a synthetic picture.</summary>
    Synthetic,

    /// <summary>8×8 block boundaries: decoded from JPEG at its original resolution.</summary>
    JpegDecoded,

    /// <summary>The cover's digest is on the caller's list of covers already used.</summary>
    UsedBefore,

    /// <summary>The payload needs more pixels than the cover has at the rate (see <see cref="CoverRefusedException.NeededPixels"/>).</summary>
    TooSmall,

    /// <summary>The rate is not in (0, <see cref="CoverImage.MaxRate"/>] bits per pixel.</summary>
    Rate,
}

/// <summary>A cover refused, with the reason and, where a larger cover would do, how many pixels it needs.</summary>
public sealed class CoverRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CoverRefusedException(CoverRefusal reason, string message, long neededPixels = 0)
        : base(message)
    {
        Reason = reason;
        NeededPixels = neededPixels;
    }

    /// <summary>Creates the exception with no reason given (for serializers); prefer the other constructor.</summary>
    public CoverRefusedException()
        : this(CoverRefusal.Malformed, "The cover was refused.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CoverRefusedException(string message)
        : this(CoverRefusal.Malformed, message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CoverRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = CoverRefusal.Malformed;
    }

    /// <summary>Why the cover was refused.</summary>
    public CoverRefusal Reason { get; }

    /// <summary>The pixels a cover needs to carry the payload at the rate (0 when size is not the problem).</summary>
    public long NeededPixels { get; }
}
