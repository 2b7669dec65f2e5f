using NSec.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// The Ed25519 key that may read and trim a dead drop. The relay holds only its public half and
/// checks a signature on every fetch and trim; the private half stays in libsodium's guarded memory.
/// </summary>
public sealed class DropReadKey : IDisposable
{
    /// <summary>Size of the private seed and of the public key in bytes.</summary>
    public const int Size = 32;

    private readonly Key _key;

    private DropReadKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte Ed25519 public key, registered with the relay when the drop is created.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A new random key.</summary>
    public static DropReadKey Create() => new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>A key from its 32-byte seed (for example derived from an MLS exporter secret).</summary>
    public static DropReadKey Import(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Size)
        {
            throw new ArgumentException($"An Ed25519 seed is {Size} bytes.", nameof(seed));
        }

        return new DropReadKey(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    internal byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "DropReadKey(Ed25519)";
}
