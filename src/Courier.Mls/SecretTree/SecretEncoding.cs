namespace Courier.Mls.SecretTree;

/// <summary>
/// Helpers for the saved-state encodings of the secret tree and the epoch secrets. Those write
/// their vectors with a precomputed length instead of <c>TlsWriter.WriteVector</c>,
/// whose temporary inner writer would leave an unwiped copy of the secrets behind.
/// </summary>
internal static class SecretEncoding
{
    /// <summary>The bytes of the RFC 9420 §2.1.2 variable-length integer that encodes <paramref name="value"/>.</summary>
    public static int VarintSize(int value) => value switch
    {
        < 0 or > TlsReader.MaxVarint => throw new ArgumentOutOfRangeException(nameof(value), "A vector length must be below 2^30."),
        < 0x40 => 1,
        < 0x4000 => 2,
        _ => 4,
    };

    /// <summary>The bytes of <c>opaque data&lt;V&gt;</c> with a body of <paramref name="length"/> bytes.</summary>
    public static int OpaqueSize(int length) => VarintSize(length) + length;

    /// <summary>
    /// Reads <c>opaque secret&lt;V&gt;</c> of exactly <paramref name="length"/> bytes straight from the
    /// input into a new <see cref="Secret"/> (no intermediate array).
    /// </summary>
    public static Secret ReadSecret(ref TlsReader reader, int length, string structure)
    {
        var bytes = reader.ReadOpaque();
        if (bytes.Length != length)
        {
            throw new DecodeException(DecodeError.LengthOutOfRange, structure);
        }

        return Secret.Copy(bytes);
    }

    /// <summary>An already wiped secret of <paramref name="length"/> bytes: the stand-in for one no longer held.</summary>
    public static Secret Wiped(int length)
    {
        var secret = Secret.Zero(length);
        secret.Dispose();
        return secret;
    }
}
