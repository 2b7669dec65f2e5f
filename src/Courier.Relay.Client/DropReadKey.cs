namespace Courier.Relay.Client;

/// <summary>
/// The Ed25519 key that may read a dead drop (and trim one created without an append key). The
/// relay checks its signature on every fetch.
/// </summary>
public sealed class DropReadKey : DropSigningKey
{
    private DropReadKey(NSec.Cryptography.Key key)
        : base(key)
    {
    }

    /// <summary>A new random key.</summary>
    public static DropReadKey Create() => new(NewKey());

    /// <summary>A key from its 32-byte seed (for example derived from an MLS exporter secret).</summary>
    public static DropReadKey Import(ReadOnlySpan<byte> seed) => new(ImportSeed(seed));
}
