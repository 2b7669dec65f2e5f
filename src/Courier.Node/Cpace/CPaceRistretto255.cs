using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Node.Cpace;

/// <summary>
/// The cipher suite CPACE-RISTR255-SHA512 of draft-irtf-cfrg-cpace-21: the group environment
/// G_Ristretto255 (§7.3) with H = SHA-512 (§5.2). Hashing comes from the BCL, the element derivation,
/// decoding and scalar multiplication from libsodium (<see cref="LibSodium"/>), so no field or group
/// arithmetic is ours.
/// </summary>
internal static class CPaceRistretto255
{
    /// <summary>The suite's name (§4).</summary>
    public const string SuiteName = "CPACE-RISTR255-SHA512";

    /// <summary>G.field_size_bytes: scalars, encoded points and K are 32 bytes (§7.3).</summary>
    public const int FieldSizeBytes = LibSodium.Ristretto255Size;

    /// <summary>H.b_in_bytes for SHA-512: the size of ISK and of sid_output.</summary>
    public const int HashSize = 64;

    /// <summary>H.s_in_bytes: SHA-512's input block size (§5.2).</summary>
    public const int HashBlockSize = 128;

    /// <summary>G.DSI = b"CPaceRistretto255" (§7.3).</summary>
    public static ReadOnlySpan<byte> Dsi => "CPaceRistretto255"u8;

    /// <summary>G.DSI || b"_ISK", the label of ISK (§6.2).</summary>
    public static ReadOnlySpan<byte> DsiIsk => "CPaceRistretto255_ISK"u8;

    /// <summary>
    /// G.calculate_generator(H, PRS, CI, sid) (§7.3): hash generator_string to 2 · 32 bytes with
    /// SHA-512 and derive the element from them (RFC 9496 §4.3.4), returned encoded. The generator is
    /// as secret as the password (anyone who has it can test passwords offline): the caller wipes it.
    /// </summary>
    public static byte[] CalculateGenerator(ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid)
    {
        var generatorString = CPaceStrings.GeneratorString(Dsi, prs, ci, sid, HashBlockSize);
        Span<byte> hash = stackalloc byte[HashSize];
        try
        {
            SHA512.HashData(generatorString, hash);
            var generator = GC.AllocateArray<byte>(FieldSizeBytes, pinned: true);
            LibSodium.Ristretto255FromHash(generator, hash);
            return generator;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generatorString);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>
    /// G.sample_scalar() (§7.3, the recommended way): 32 random bytes with the bits from 252 up
    /// cleared, read little-endian. Pinned; the caller wipes it.
    /// </summary>
    public static byte[] SampleScalar()
    {
        var scalar = GC.AllocateArray<byte>(FieldSizeBytes, pinned: true);
        RandomNumberGenerator.Fill(scalar);
        scalar[^1] &= 0x0F;
        return scalar;
    }

    /// <summary>
    /// G.scalar_mult(y, g) = encode(y · g) (§7.3) for the generator of <see cref="CalculateGenerator"/>.
    /// False when the result is the identity, which happens only for y ≡ 0 (mod the group order).
    /// </summary>
    public static bool ScalarMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> generator, Span<byte> share)
    {
        share.Clear();
        return LibSodium.Ristretto255ScalarMult(share, scalar, generator);
    }

    /// <summary>
    /// G.scalar_mult_vfy(y, X) (§7.3): G.I (all zero) when X does not decode (it is not a canonical
    /// encoding), otherwise encode(y · decode(X)). Returns false, leaving <paramref name="result"/>
    /// as G.I, when X does not decode or the result is the identity (X was the identity: the group has
    /// prime order), the two cases in which the protocol MUST abort (§6.2).
    /// </summary>
    public static bool ScalarMultVfy(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> point, Span<byte> result)
    {
        if (point.Length != FieldSizeBytes || result.Length != FieldSizeBytes)
        {
            throw new ArgumentException($"Points and results are {FieldSizeBytes} bytes.");
        }

        result.Clear();
        if (!LibSodium.Ristretto255IsValidPoint(point) || !LibSodium.Ristretto255ScalarMult(result, scalar, point))
        {
            result.Clear();
            return false;
        }

        return true;
    }

    /// <summary>
    /// ISK = H.hash(lv_cat(G.DSI || b"_ISK", sid, K) || transcript) (§6.2), where transcript is
    /// transcript_ir or transcript_oc. The caller wipes the result.
    /// </summary>
    public static byte[] DeriveIsk(ReadOnlySpan<byte> sid, ReadOnlySpan<byte> k, ReadOnlySpan<byte> transcript)
    {
        // lv_cat is streamed into the hash so that K is never copied into a buffer that would need wiping.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        CPaceStrings.AppendPrependLen(hash, DsiIsk);
        CPaceStrings.AppendPrependLen(hash, sid);
        CPaceStrings.AppendPrependLen(hash, k);
        hash.AppendData(transcript);
        return hash.GetHashAndReset();
    }

    /// <summary>sid_output = H.hash(b"CPaceSidOutput" || transcript) (§9.6): a public session id for runs without a sid.</summary>
    public static byte[] SidOutput(ReadOnlySpan<byte> transcript)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData("CPaceSidOutput"u8);
        hash.AppendData(transcript);
        return hash.GetHashAndReset();
    }
}
