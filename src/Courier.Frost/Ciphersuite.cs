using System.Security.Cryptography;
using System.Text;

namespace Courier.Frost;

/// <summary>
/// FROST(Ed25519, SHA-512), RFC 9591 §6.5: the context string and the hash functions H1–H5, plus the
/// DKG's proof-of-knowledge challenge (HDKG, as frost-core and noble name it). Each H hashes
/// contextString || tag || m with SHA-512; H1, H2, H3 and HDKG read the 64-byte digest as a
/// little-endian integer modulo L.
/// </summary>
internal static class Ciphersuite
{
    public const string ContextString = "FROST-ED25519-SHA512-v1";

    public const int DigestSize = 64;

    private static readonly byte[] Rho = Tag("rho");
    private static readonly byte[] Nonce = Tag("nonce");
    private static readonly byte[] Msg = Tag("msg");
    private static readonly byte[] Com = Tag("com");
    private static readonly byte[] Dkg = Tag("dkg");

    /// <summary>H1: the binding factor (§4.4).</summary>
    public static byte[] H1(ReadOnlySpan<byte> m) => ToScalar(Rho, m);

    /// <summary>H2: the challenge, SHA-512 of m alone so that the result is an RFC 8032 signature (§6.5).</summary>
    public static byte[] H2(ReadOnlySpan<byte> m) => ToScalar([], m);

    /// <summary>H3: a nonce from its randomness and the secret (§4.1).</summary>
    public static byte[] H3(ReadOnlySpan<byte> m) => ToScalar(Nonce, m);

    /// <summary>H4: the message's digest in the binding factor input (§4.4).</summary>
    public static byte[] H4(ReadOnlySpan<byte> m) => Digest(Msg, m);

    /// <summary>H5: the encoded commitment list's digest in the binding factor input (§4.4).</summary>
    public static byte[] H5(ReadOnlySpan<byte> m) => Digest(Com, m);

    /// <summary>HDKG: the challenge of a DKG participant's proof of knowledge of its secret coefficient.</summary>
    public static byte[] HDkg(ReadOnlySpan<byte> m) => ToScalar(Dkg, m);

    private static byte[] Tag(string tag) => Encoding.ASCII.GetBytes(ContextString + tag);

    private static byte[] Digest(byte[] prefix, ReadOnlySpan<byte> m)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(prefix);
        hash.AppendData(m);
        return hash.GetHashAndReset();
    }

    private static byte[] ToScalar(byte[] prefix, ReadOnlySpan<byte> m)
    {
        var digest = Digest(prefix, m);
        var scalar = Group.Reduce(digest);
        CryptographicOperations.ZeroMemory(digest);
        return scalar;
    }
}
