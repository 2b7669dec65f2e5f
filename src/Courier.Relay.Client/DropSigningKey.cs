using NSec.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// An Ed25519 key of a dead drop (<see cref="DropReadKey"/> or <see cref="DropAppendKey"/>). The
/// relay holds only its public half, registered when the drop is created, and checks a signature
/// on each request it authorizes; the private half stays in libsodium's guarded memory.
/// </summary>
public abstract class DropSigningKey : IDisposable
{
    /// <summary>Size of the private seed and of the public key in bytes.</summary>
    public const int Size = 32;

    private readonly Key _key;

    private protected DropSigningKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte Ed25519 public key, registered with the relay when the drop is created.</summary>
    public byte[] PublicKey { get; }

    private protected static Key NewKey() => Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    private protected static Key ImportSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Size)
        {
            throw new ArgumentException($"An Ed25519 seed is {Size} bytes.", nameof(seed));
        }

        return Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    }

    internal byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <inheritdoc/>
    public void Dispose()
    {
        _key.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => GetType().Name + "(Ed25519)";
}
