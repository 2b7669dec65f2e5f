using NSec.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// An Ed25519 signing key, held by libsodium in guarded memory (NSec <see cref="Key"/>).
/// Its bytes never appear in a string; <see cref="ExportPrivateKey"/> is the only way out.
/// </summary>
public sealed class SignaturePrivateKey : IDisposable
{
    /// <summary>Ed25519 private keys are 32-byte seeds (RFC 8032 §5.1.5).</summary>
    public const int Size = 32;

    private readonly Key _key;

    private SignaturePrivateKey(Key key)
    {
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A new key from <paramref name="random"/>.</summary>
    public static SignaturePrivateKey Generate(IRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> seed = stackalloc byte[Size];
        try
        {
            random.Fill(seed);
            return Import(seed);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Imports a raw 32-byte seed.</summary>
    public static SignaturePrivateKey Import(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Size)
        {
            throw new ArgumentException($"An Ed25519 private key is {Size} bytes.", nameof(seed));
        }

        return new SignaturePrivateKey(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>The raw seed, for storing the key; the caller must wipe the result.</summary>
    public Secret ExportPrivateKey() => Secret.Take(_key.Export(KeyBlobFormat.RawPrivateKey));

    internal byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>Verifies an Ed25519 signature; false for a malformed key or a bad signature.</summary>
    internal static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != SignatureAlgorithm.Ed25519.PublicKeySize
            || signature.Length != SignatureAlgorithm.Ed25519.SignatureSize
            || !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(key!, data, signature);
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "SignaturePrivateKey(Ed25519)";
}
