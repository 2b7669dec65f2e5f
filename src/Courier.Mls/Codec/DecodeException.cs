namespace Courier.Mls.Codec;

/// <summary>Why a byte string is not a valid encoding of the structure that was asked for.</summary>
public enum DecodeError
{
    /// <summary>The input ended before the structure did.</summary>
    Truncated,
    /// <summary>A variable-length integer used more bytes than its value needs (RFC 9420 §2.1.2).</summary>
    NonMinimalVarint,
    /// <summary>A variable-length integer started with the reserved prefix 0b11 (RFC 9420 §2.1.2).</summary>
    InvalidVarintPrefix,
    /// <summary>Bytes were left over after the structure ended.</summary>
    TrailingBytes,
    /// <summary>A length or count is outside the range the structure allows.</summary>
    LengthOutOfRange,
    /// <summary>An enumerated value, optional marker or fixed field holds a value the structure does not allow.</summary>
    InvalidValue,
    /// <summary>Structures were nested more deeply than any valid message needs.</summary>
    NestingTooDeep,
}

/// <summary>
/// The only exception a Courier.Mls decoder throws for bad input: the bytes are not a valid
/// encoding. The message names the structure and the reason, never the content.
/// </summary>
public sealed class DecodeException : Exception
{
    /// <summary>Creates the error for <paramref name="reason"/> while decoding <paramref name="structure"/>.</summary>
    public DecodeException(DecodeError reason, string structure)
        : base($"Cannot decode {structure}: {Describe(reason)}.")
    {
        Reason = reason;
        Structure = structure;
    }

    /// <summary>Why decoding failed.</summary>
    public DecodeError Reason { get; }

    /// <summary>The name of the structure (or field) being decoded when it failed.</summary>
    public string Structure { get; }

    private static string Describe(DecodeError reason) => reason switch
    {
        DecodeError.Truncated => "input is truncated",
        DecodeError.NonMinimalVarint => "variable-length integer is not minimally encoded",
        DecodeError.InvalidVarintPrefix => "variable-length integer has the reserved prefix",
        DecodeError.TrailingBytes => "trailing bytes after the structure",
        DecodeError.LengthOutOfRange => "length out of range",
        DecodeError.InvalidValue => "value not allowed here",
        DecodeError.NestingTooDeep => "nesting too deep",
        _ => "invalid encoding",
    };
}
