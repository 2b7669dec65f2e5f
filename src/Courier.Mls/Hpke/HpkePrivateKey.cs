using Courier.Mls.Crypto.Interop;

namespace Courier.Mls.Hpke;

/// <summary>
/// An X25519 private key of DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1), held as a <see cref="Secret"/>
/// (pinned, wiped on <see cref="Dispose"/>) and used by libsodium's X25519 directly. Its bytes never
/// appear in a string; <see cref="ExportPrivateKey"/> is the only way out.
/// </summary>
public sealed class HpkePrivateKey : IDisposable
{
    /// <summary>Nsk: an X25519 private key is 32 bytes (RFC 9180 §7.1).</summary>
    public const int Size = 32;

    /// <summary>Npk: an X25519 public key is 32 bytes (RFC 9180 §7.1).</summary>
    public const int PublicKeySize = 32;

    private readonly Secret _key;
    private readonly byte[] _publicKey;

    private HpkePrivateKey(Secret key)
    {
        _key = key;
        _publicKey = new byte[PublicKeySize];
        Sodium.X25519Base(_publicKey, key.Span);
    }

    /// <summary>SerializePublicKey(pk(sk)): the raw 32-byte public key. Each read returns a new copy.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The public key without a copy, for computing kem_context.</summary>
    internal ReadOnlySpan<byte> PublicKeySpan => _publicKey;

    /// <summary>The private scalar, for the key agreement; throws once the key is disposed.</summary>
    internal ReadOnlySpan<byte> Scalar => _key.Span;

    /// <summary>True once the key has been wiped.</summary>
    internal bool IsDisposed => _key.IsDisposed;

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

        return Take(Secret.Copy(privateKey));
    }

    /// <summary>The key of the 32-byte scalar <paramref name="privateKey"/>, which it now owns (and disposes if this throws).</summary>
    internal static HpkePrivateKey Take(Secret privateKey)
    {
        try
        {
            if (privateKey.Length != Size)
            {
                throw new ArgumentException($"An X25519 private key is {Size} bytes.", nameof(privateKey));
            }

            return new HpkePrivateKey(privateKey);
        }
        catch
        {
            privateKey.Dispose();
            throw;
        }
    }

    /// <summary>An independent copy, for an owner that disposes its keys on its own schedule.</summary>
    internal HpkePrivateKey Copy() => Import(_key.Span);

    /// <summary>SerializePrivateKey (RFC 9180 §7.1.2): the raw 32 bytes, for storing the key. The caller disposes the result.</summary>
    public Secret ExportPrivateKey() => _key.Clone();

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => "HpkePrivateKey(X25519)";
}
