using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// The KEM API HPKE builds on (RFC 9180 §4): DeriveKeyPair, GenerateKeyPair, Encap and Decap. Two
/// kinds: the Diffie-Hellman KEMs (<see cref="DhKem"/>, §4.1) and X-Wing (<see cref="XWingKem"/>), a
/// KEM of its own whose Encap and Decap are libsodium's. Every KEM here has Nsk = Nsecret = 32.
/// </summary>
internal abstract class Kem
{
    /// <summary>Nsecret: the size of the KEM shared secret (every KEM here).</summary>
    public const int SharedSecretSize = 32;

    /// <summary>Nsk: the size of a private key (every KEM here).</summary>
    public const int PrivateKeySize = HpkePrivateKey.Size;

    private protected Kem(ushort id, int publicKeySize, int encSize, int encapRandomSize)
    {
        Id = id;
        PublicKeySize = publicKeySize;
        EncSize = encSize;
        EncapRandomSize = encapRandomSize;
    }

    /// <summary>The KEM identifier (RFC 9180 §7.1).</summary>
    public ushort Id { get; }

    /// <summary>Npk: the size of a serialized public key.</summary>
    public int PublicKeySize { get; }

    /// <summary>Nenc: the size of an encapsulated key.</summary>
    public int EncSize { get; }

    /// <summary>How many random bytes one Encap draws, in one call to the random source.</summary>
    public int EncapRandomSize { get; }

    /// <summary>
    /// DeriveKeyPair(ikm) (RFC 9180 §7.1.3). The RFC asks for at least Nsk bytes of input keying
    /// material; shorter input is refused.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ikm"/> is shorter than Nsk.</exception>
    public HpkePrivateKey DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        if (ikm.Length < PrivateKeySize)
        {
            throw new ArgumentException($"DeriveKeyPair needs at least {PrivateKeySize} bytes of input keying material.", nameof(ikm));
        }

        var sk = Secret.Zero(PrivateKeySize);
        try
        {
            DeriveSecretKey(ikm, sk.Writable);
        }
        catch
        {
            sk.Dispose();
            throw;
        }

        return HpkePrivateKey.Take(sk, this);
    }

    /// <summary>GenerateKeyPair() = DeriveKeyPair(random(Nsk)) (RFC 9180 §4).</summary>
    public HpkePrivateKey GenerateKeyPair(IRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> ikm = stackalloc byte[PrivateKeySize];
        try
        {
            random.Fill(ikm);
            return DeriveKeyPair(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>Encap(pkR) (RFC 9180 §4): the encapsulated key and the shared secret, with <see cref="EncapRandomSize"/> bytes of <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="pkR"/> is not a valid public key (ValidationError).</exception>
    public abstract (byte[] Enc, Secret SharedSecret) Encap(ReadOnlySpan<byte> pkR, IRandom random);

    /// <summary>
    /// Decap(enc, skR) (RFC 9180 §4). Null when <paramref name="enc"/> is not a valid encapsulation
    /// (the wrong size, or refused by the KEM).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="skR"/> belongs to another KEM.</exception>
    public abstract Secret? Decap(ReadOnlySpan<byte> enc, HpkePrivateKey skR);

    /// <summary>True when <paramref name="publicKey"/> is a valid serialized public key of this KEM.</summary>
    public abstract bool IsValidPublicKey(ReadOnlySpan<byte> publicKey);

    /// <summary>SerializePublicKey(pk(sk)) into <paramref name="publicKey"/> (Npk bytes).</summary>
    /// <exception cref="ArgumentException"><paramref name="sk"/> is not a valid private key of the KEM.</exception>
    internal abstract void PublicKeyOf(ReadOnlySpan<byte> sk, Span<byte> publicKey);

    /// <summary>The private key DeriveKeyPair derives from <paramref name="ikm"/>, into <paramref name="sk"/> (Nsk bytes).</summary>
    private protected abstract void DeriveSecretKey(ReadOnlySpan<byte> ikm, Span<byte> sk);

    /// <summary>Refuses a public key of the wrong size, a null random source, and a scratch of the wrong size.</summary>
    /// <exception cref="ArgumentException"><paramref name="pkR"/> is not Npk bytes, or <paramref name="scratch"/> not <paramref name="scratchSize"/>.</exception>
    private protected void CheckEncap(ReadOnlySpan<byte> pkR, IRandom random, ReadOnlySpan<byte> scratch, int scratchSize)
    {
        if (pkR.Length != PublicKeySize)
        {
            throw new ArgumentException($"A public key of KEM 0x{Id:X4} is {PublicKeySize} bytes.", nameof(pkR));
        }

        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scratch.Length, scratchSize, nameof(scratch));
    }

    /// <summary>Refuses a private key of another KEM.</summary>
    private protected void CheckOwnKey(HpkePrivateKey skR)
    {
        ArgumentNullException.ThrowIfNull(skR);
        if (skR.Kem != this)
        {
            throw new ArgumentException("The private key belongs to another KEM.", nameof(skR));
        }
    }
}
