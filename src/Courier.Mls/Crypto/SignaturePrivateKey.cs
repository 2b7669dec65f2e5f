using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mls.Crypto;

/// <summary>
/// A signing key of a ciphersuite's signature scheme (RFC 9420 §5.1.2): Ed25519, libsodium's 64-byte
/// secret key (seed || public key) in a <see cref="Secret"/> used by libsodium directly (an NSec key
/// object is a guarded allocation that costs more than a signature, and KeyPackages make and drop
/// keys often), or ECDSA over P-256 with SHA-256, held by the BCL with its 32-byte scalar in a
/// <see cref="Secret"/>. Its bytes never appear in a string; <see cref="ExportPrivateKey"/> is the only way out.
/// </summary>
public sealed class SignaturePrivateKey : IDisposable
{
    /// <summary>A private key is 32 bytes: an Ed25519 seed (RFC 8032 §5.1.5) or a P-256 scalar.</summary>
    public const int Size = 32;

    private readonly Secret? _ed25519;
    private readonly ECDsa? _ecdsa;
    private readonly Secret? _scalar;

    /// <summary>Takes <paramref name="secretKey"/>, libsodium's Ed25519 secret key.</summary>
    private SignaturePrivateKey(Secret secretKey, byte[] publicKey)
    {
        Scheme = SignatureScheme.Ed25519;
        _ed25519 = secretKey;
        PublicKey = publicKey;
    }

    private SignaturePrivateKey(Secret scalar)
    {
        Scheme = SignatureScheme.EcdsaP256Sha256;
        _scalar = scalar;
        _ecdsa = P256.ImportDsa(scalar.Span);
        PublicKey = new byte[P256.PointSize];
        P256.ExportPoint(_ecdsa, PublicKey);
    }

    /// <summary>The public key: 32 raw bytes for Ed25519, the 65-byte uncompressed point for P-256 (§5.1.1).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The signature scheme of the key.</summary>
    internal SignatureScheme Scheme { get; }

    /// <summary>A new key of <paramref name="suite"/>'s signature scheme (suite 1's when not given) from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="suite"/> is not implemented.</exception>
    public static SignaturePrivateKey Generate(IRandom random, CipherSuiteId suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
    {
        ArgumentNullException.ThrowIfNull(random);
        var scheme = CipherSuite.Get(suite).SignatureScheme;
        Span<byte> candidate = stackalloc byte[Size];
        try
        {
            // A P-256 scalar must lie in [1, n-1]: draw again in the rare case (about 2^-32) it does not.
            do
            {
                random.Fill(candidate);
            }
            while (scheme == SignatureScheme.EcdsaP256Sha256 && !P256.IsValidScalar(candidate));

            return Import(candidate, scheme);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }

    /// <summary>Imports a 32-byte private key of <paramref name="suite"/>'s signature scheme (suite 1's when not given).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, or not a P-256 scalar in [1, n-1].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="suite"/> is not implemented.</exception>
    public static SignaturePrivateKey Import(ReadOnlySpan<byte> privateKey, CipherSuiteId suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
        => Import(privateKey, CipherSuite.Get(suite).SignatureScheme);

    /// <summary>The raw 32 bytes, for storing the key; the caller must wipe the result.</summary>
    public Secret ExportPrivateKey()
        => _scalar?.Clone() ?? Secret.Copy(_ed25519!.Span[..Size]);

    /// <summary>An independent copy, for an owner that disposes its keys on its own schedule.</summary>
    internal SignaturePrivateKey Copy()
    {
        if (_ed25519 is not null)
        {
            return new SignaturePrivateKey(_ed25519.Clone(), (byte[])PublicKey.Clone());
        }

        using var bytes = ExportPrivateKey();
        return Import(bytes.Span, Scheme);
    }

    /// <summary>Signs <paramref name="data"/>: Ed25519, or ECDSA P-256 SHA-256 DER-encoded (RFC 9420 §5.1.2).</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (_ecdsa is not null)
        {
            return _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }

        var signature = new byte[LibSodium.Ed25519SignatureSize];
        LibSodium.Ed25519Sign(signature, data, _ed25519!.Span);
        return signature;
    }

    /// <summary>Verifies a signature of <paramref name="scheme"/>; false for a malformed key or signature or a bad signature.</summary>
    internal static bool Verify(SignatureScheme scheme, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (scheme == SignatureScheme.Ed25519)
        {
            return LibSodium.Ed25519Verify(signature, data, publicKey);
        }

        // The import refuses a point off the curve; a signature that is not a DER SEQUENCE of two INTEGERs does not verify.
        using var ecdsa = P256.TryImportDsaPublic(publicKey);
        try
        {
            return ecdsa is not null && ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ed25519?.Dispose();
        _ecdsa?.Dispose();
        _scalar?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"SignaturePrivateKey({Scheme})";

    private static SignaturePrivateKey Import(ReadOnlySpan<byte> privateKey, SignatureScheme scheme)
    {
        if (privateKey.Length != Size)
        {
            throw new ArgumentException($"A signature private key is {Size} bytes.", nameof(privateKey));
        }

        if (scheme == SignatureScheme.Ed25519)
        {
            var secretKey = Secret.Zero(LibSodium.Ed25519SecretKeySize);
            var publicKey = new byte[LibSodium.Ed25519PublicKeySize];
            LibSodium.Ed25519SeedKeyPair(publicKey, secretKey.Writable, privateKey);
            return new SignaturePrivateKey(secretKey, publicKey);
        }

        var scalar = Secret.Copy(privateKey);
        try
        {
            return new SignaturePrivateKey(scalar);
        }
        catch
        {
            scalar.Dispose();
            throw;
        }
    }
}
