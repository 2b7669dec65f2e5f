namespace Courier.Mix;

/// <summary>Why a packet, a SURB or a reply was refused.</summary>
public enum SphinxError
{
    /// <summary>The input does not have its geometry's length.</summary>
    WrongLength,

    /// <summary>alpha is a point of small order (X25519 gives all zeros): no shared secret.</summary>
    InvalidGroupElement,

    /// <summary>The header MAC does not verify with this hop's key (§6.1 step 3): altered, or not for this key.</summary>
    InvalidMac,

    /// <summary>The additional data is not version 0x0000.</summary>
    UnsupportedVersion,

    /// <summary>This hop has processed a packet with the same replay tag in this key epoch (§6.2 step 1).</summary>
    Replayed,

    /// <summary>The routing commands are unknown, repeated, truncated or not zero-padded (§6.1 step 5).</summary>
    InvalidCommands,

    /// <summary>The payload tag is not zero after the last layer (§6.2 step 3, §7.2): the payload was altered.</summary>
    InvalidPayload,

    /// <summary>The path or message given to a builder does not fit the geometry.</summary>
    InvalidPath,
}

/// <summary>A Sphinx operation refused its input; <see cref="Error"/> says why. The message never holds key material.</summary>
public sealed class SphinxException : Exception
{
    /// <summary>A refusal for <paramref name="error"/>, described by <paramref name="message"/>.</summary>
    public SphinxException(SphinxError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Why the input was refused.</summary>
    public SphinxError Error { get; }
}
