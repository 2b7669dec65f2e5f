using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Node.Relay;

/// <summary>
/// The Ed25519 key that may fetch from and trim a dead drop. The relay holds only the public half;
/// the private half stays in libsodium's guarded memory and in the node's vault.
/// </summary>
public sealed class DeadDropReadKey : IDisposable
{
    /// <summary>The size of the seed and of the public key.</summary>
    public const int Size = 32;

    private readonly Key _key;

    private DeadDropReadKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte Ed25519 public key the relay checks fetches against.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A key from its 32-byte seed.</summary>
    public static DeadDropReadKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Size)
        {
            throw new ArgumentException($"A dead drop read key seed is {Size} bytes.", nameof(seed));
        }

        return new DeadDropReadKey(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>Signs a relay's request or challenge (Ed25519).</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <summary>
    /// The 32-byte seed, for an adapter whose relay client keeps its own key object. The caller
    /// wipes it (<see cref="CryptographicOperations.ZeroMemory"/>).
    /// </summary>
    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "DeadDropReadKey(Ed25519)";
}
