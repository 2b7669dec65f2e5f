namespace Courier.Node.Reserve;

/// <summary>
/// One share of a secret split by <see cref="Shamir.Split"/>: the point (x, f(x)) of each byte's
/// polynomial at one x-coordinate, and the threshold needed to combine. Holds secret material: wipe
/// <see cref="Y"/> when done.
/// </summary>
/// <param name="X">The x-coordinate, 1 to 255 (0 would be the secret itself).</param>
/// <param name="Threshold">How many shares <see cref="Shamir.Combine"/> needs.</param>
/// <param name="Y">f(x) for each byte of the secret, in order.</param>
internal sealed record ShamirShare(byte X, byte Threshold, byte[] Y)
{
    /// <summary><c>u8 x | u8 threshold | y</c>.</summary>
    public byte[] Encode() => [X, Threshold, .. Y];

    /// <exception cref="ShareRefusedException">Fewer than three bytes.</exception>
    public static ShamirShare Decode(ReadOnlySpan<byte> bytes)
        => bytes.Length < 3 ? throw new ShareRefusedException(ShareRefusal.Malformed, "A share is at least three bytes.") : new(bytes[0], bytes[1], bytes[2..].ToArray());
}
