namespace Courier.Relay.Client;

/// <summary>
/// The Ed25519 key that may append to a dead drop created with its public half (docs/relay-api.md,
/// "Write-authorized drops"). Its writers derive it from a secret they share (a cell's epoch, a
/// contact's pairwise secret), so a signature names no writer, only the capability.
/// </summary>
public sealed class DropAppendKey : DropSigningKey
{
    private DropAppendKey(NSec.Cryptography.Key key)
        : base(key)
    {
    }

    /// <summary>A new random key.</summary>
    public static DropAppendKey Create() => new(NewKey());

    /// <summary>A key from its 32-byte seed, derived by every writer alike.</summary>
    public static DropAppendKey Import(ReadOnlySpan<byte> seed) => new(ImportSeed(seed));
}
