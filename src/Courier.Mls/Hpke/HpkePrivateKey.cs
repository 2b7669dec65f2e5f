namespace Courier.Mls.Hpke;

/// <summary>
/// A private key of DHKEM(X25519, HKDF-SHA256), DHKEM(P-256, HKDF-SHA256) (RFC 9180 §7.1) or
/// X-Wing: a 32-byte scalar or X-Wing seed held as a <see cref="Secret"/> (pinned, wiped on <see cref="Dispose"/>), with the
/// KEM it belongs to. Its bytes never appear in a string; <see cref="ExportPrivateKey"/> is the only way out.
/// </summary>
public sealed class HpkePrivateKey : IDisposable
{
    /// <summary>Nsk: a private key is 32 bytes for every KEM here (RFC 9180 §7.1; X-Wing's seed).</summary>
    public const int Size = 32;

    private readonly Secret _key;
    private readonly byte[] _publicKey;

    private HpkePrivateKey(Secret key, Kem kem)
    {
        _key = key;
        Kem = kem;
        _publicKey = new byte[kem.PublicKeySize];
        kem.PublicKeyOf(key.Span, _publicKey);
    }

    /// <summary>SerializePublicKey(pk(sk)): 32 bytes for X25519, the 65-byte uncompressed point for P-256, 1216 bytes for X-Wing. Each read returns a new copy.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The KEM the key belongs to.</summary>
    internal Kem Kem { get; }

    /// <summary>The public key without a copy, for computing kem_context.</summary>
    internal ReadOnlySpan<byte> PublicKeySpan => _publicKey;

    /// <summary>The private scalar, for the key agreement; throws once the key is disposed.</summary>
    internal ReadOnlySpan<byte> Scalar => _key.Span;

    /// <summary>True once the key has been wiped.</summary>
    internal bool IsDisposed => _key.IsDisposed;

    /// <summary>
    /// DeserializePrivateKey (RFC 9180 §7.1.2): imports the 32-byte private key of <paramref name="suite"/>'s
    /// KEM (suite 1, the mandatory one, when not given). Every 32-byte string is an X25519 scalar
    /// (RFC 7748 §5 clamps it) and an X-Wing seed; a P-256 scalar must lie in [1, n-1].
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes, or not a P-256 scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="suite"/> is not implemented.</exception>
    public static HpkePrivateKey Import(ReadOnlySpan<byte> privateKey, CipherSuiteId suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
        => Import(privateKey, CipherSuite.Get(suite).Hpke.Kem);

    /// <summary>DeserializePrivateKey for <paramref name="kem"/>.</summary>
    /// <exception cref="ArgumentException">The key is not a private key of <paramref name="kem"/>.</exception>
    internal static HpkePrivateKey Import(ReadOnlySpan<byte> privateKey, Kem kem)
    {
        if (privateKey.Length != Size)
        {
            throw new ArgumentException($"An HPKE private key is {Size} bytes.", nameof(privateKey));
        }

        return Take(Secret.Copy(privateKey), kem);
    }

    /// <summary>The key of the 32-byte scalar <paramref name="privateKey"/>, which it now owns (and disposes if this throws).</summary>
    internal static HpkePrivateKey Take(Secret privateKey, Kem kem)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(kem);
            if (privateKey.Length != Size)
            {
                throw new ArgumentException($"An HPKE private key is {Size} bytes.", nameof(privateKey));
            }

            return new HpkePrivateKey(privateKey, kem);
        }
        catch
        {
            privateKey.Dispose();
            throw;
        }
    }

    /// <summary>An independent copy, for an owner that disposes its keys on its own schedule.</summary>
    internal HpkePrivateKey Copy() => Import(_key.Span, Kem);

    /// <summary>SerializePrivateKey (RFC 9180 §7.1.2): the raw 32 bytes, for storing the key. The caller disposes the result.</summary>
    public Secret ExportPrivateKey() => _key.Clone();

    /// <summary>Wipes the private key.</summary>
    public void Dispose() => _key.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"HpkePrivateKey(KEM 0x{Kem.Id:X4})";
}
