using NSec.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// An X25519 private key of DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1), held by libsodium in guarded
/// memory (NSec <see cref="Key"/>). Its bytes never appear in a string; <see cref="ExportPrivateKey"/>
/// is the only way out.
/// </summary>
public sealed class HpkePrivateKey : IDisposable
{
    /// <summary>Nsk: an X25519 private key is 32 bytes (RFC 9180 §7.1).</summary>
    public const int Size = 32;

    /// <summary>Npk: an X25519 public key is 32 bytes (RFC 9180 §7.1).</summary>
    public const int PublicKeySize = 32;

    private readonly Key _key;
    private readonly byte[] _publicKey;

    private HpkePrivateKey(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>SerializePublicKey(pk(sk)): the raw 32-byte public key. Each read returns a new copy.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The public key without a copy, for computing kem_context.</summary>
    internal ReadOnlySpan<byte> PublicKeySpan => _publicKey;

    /// <summary>The libsodium key, for the key agreement.</summary>
    internal Key Key => _key;

    /// <summary>
    /// DeserializePrivateKey (RFC 9180 §7.1.2): imports a raw 32-byte X25519 private key. Every 32-byte
    /// string is a valid X25519 scalar (RFC 7748 §5 clamps it when used).
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public static HpkePrivateKey Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != Size)
        {
            throw new ArgumentException($"An X25519 private key is {Size} bytes.", nameof(privateKey));
        }

        var key = Key.Import(
            KeyAgreementAlgorithm.X25519,
            privateKey,
            KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new HpkePrivateKey(key);
    }

    /// <summary>SerializePrivateKey (RFC 9180 §7.1.2): the raw 32 bytes, for storing the key. Dispose the result.</summary>
    /// <summary>An independent copy, for an owner that disposes its keys on its own schedule.</summary>
    internal HpkePrivateKey Copy()
    {
        using var bytes = ExportPrivateKey();
        return Import(bytes.Span);
    }

    /// <summary>The raw private key, for storage; the caller disposes it.</summary>
    public Secret ExportPrivateKey()
    {
        var secret = Secret.Zero(Size);
        try
        {
            if (!_key.TryExport(KeyBlobFormat.RawPrivateKey, secret.Writable, out var written) || written != Size)
            {
                throw new InvalidOperationException("The X25519 private key could not be exported.");
            }

            return secret;
        }
        catch
        {
            secret.Dispose();
            throw;
        }
    }

    /// <summary>Frees the guarded memory that holds the key.</summary>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "HpkePrivateKey(X25519)";
}
