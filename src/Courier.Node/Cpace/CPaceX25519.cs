using System.Security.Cryptography;
using Courier.Node.Interop;
using NSec.Cryptography;
using IncrementalHash = System.Security.Cryptography.IncrementalHash;

namespace Courier.Node.Cpace;

/// <summary>
/// The cipher suite CPACE-X25519-SHA512 of draft-irtf-cfrg-cpace-21: the group environment
/// G_X25519 (§7.2) with H = SHA-512 (§5.2). Hashing comes from the BCL, X25519 from libsodium
/// through NSec, and the generator's Elligator 2 map and the first scalar multiplication from
/// libsodium's Ed25519 group operations (<see cref="Interop.Sodium"/>), so no field arithmetic is ours.
/// </summary>
internal static class CPaceX25519
{
    /// <summary>The suite's name (§4).</summary>
    public const string SuiteName = "CPACE-X25519-SHA512";

    /// <summary>G.field_size_bytes: scalars, points and K are 32 bytes (§7.2).</summary>
    public const int FieldSizeBytes = 32;

    /// <summary>H.b_in_bytes for SHA-512: the size of ISK and of sid_output.</summary>
    public const int HashSize = 64;

    /// <summary>H.s_in_bytes: SHA-512's input block size (§5.2).</summary>
    public const int HashBlockSize = 128;

    private static readonly KeyAgreementAlgorithm X25519 = KeyAgreementAlgorithm.X25519;

    /// <summary>G.DSI = b"CPace255" (§7.2).</summary>
    public static ReadOnlySpan<byte> Dsi => "CPace255"u8;

    /// <summary>G.DSI || b"_ISK", the label of ISK (§6.2).</summary>
    public static ReadOnlySpan<byte> DsiIsk => "CPace255_ISK"u8;

    /// <summary>
    /// G.calculate_generator(H, PRS, CI, sid) (§7.2): hash generator_string to 32 bytes, decode it as
    /// a 255-bit u-coordinate and map it to the curve with Elligator 2. Returned as the Edwards25519
    /// point 8·g (libsodium's map clears the cofactor), which <see cref="ScalarMultGenerator"/> turns
    /// into exactly X25519(y, g). The generator is as secret as the password (anyone who has it can
    /// test passwords offline): the caller wipes it.
    /// </summary>
    public static byte[] CalculateGenerator(ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid)
    {
        var generatorString = CPaceStrings.GeneratorString(Dsi, prs, ci, sid, HashBlockSize);
        Span<byte> hash = stackalloc byte[HashSize];
        try
        {
            SHA512.HashData(generatorString, hash);

            // Bit 255 is ignored by the decoding (RFC 7748 §5); libsodium reads it as the sign of x,
            // which the u-coordinates computed from the point do not depend on.
            var generator = new byte[FieldSizeBytes];
            Sodium.Ed25519FromUniform(generator, hash[..FieldSizeBytes]);
            return generator;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generatorString);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>
    /// G.scalar_mult(y, g) = X25519(y, g) (§7.2) for the <paramref name="generator"/> of
    /// <see cref="CalculateGenerator"/> (8·g): X25519 clamps y to 8·k with 2^251 ≤ k &lt; 2^252, so
    /// X25519(y, g) is the u-coordinate of k·(8·g). False when the result is the neutral element.
    /// </summary>
    public static bool ScalarMultGenerator(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> generator, Span<byte> share)
    {
        if (scalar.Length != FieldSizeBytes)
        {
            throw new ArgumentException($"A scalar is {FieldSizeBytes} bytes.", nameof(scalar));
        }

        Span<byte> k = stackalloc byte[FieldSizeBytes];
        Span<byte> point = stackalloc byte[FieldSizeBytes];
        try
        {
            // k = clamp(y) / 8 (RFC 7748 §5 clamping, then a shift of the 256-bit little-endian
            // integer by the three bits that clamping has just cleared).
            for (var i = 0; i < FieldSizeBytes; i++)
            {
                var next = i + 1 < FieldSizeBytes ? scalar[i + 1] : 0;
                next = i + 1 == FieldSizeBytes - 1 ? (next & 0x7F) | 0x40 : next;
                var current = i == FieldSizeBytes - 1 ? (scalar[i] & 0x7F) | 0x40 : scalar[i];
                k[i] = (byte)(((current >> 3) | (next << 5)) & 0xFF);
            }

            share.Clear();
            return Sodium.Ed25519ScalarMult(point, k, generator) && Sodium.Ed25519ToCurve25519(share, point) && !IsNeutral(share);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(point);
        }
    }

    /// <summary>G.sample_scalar() = sample_random_bytes(32) (§7.2). The caller wipes it.</summary>
    public static byte[] SampleScalar() => RandomNumberGenerator.GetBytes(FieldSizeBytes);

    /// <summary>A scalar held by libsodium, from a copy of <paramref name="scalar"/> (which the caller wipes).</summary>
    public static Key ImportScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != FieldSizeBytes)
        {
            throw new ArgumentException($"A scalar is {FieldSizeBytes} bytes.", nameof(scalar));
        }

        return Key.Import(X25519, scalar, KeyBlobFormat.RawPrivateKey);
    }

    /// <summary>
    /// G.scalar_mult_vfy(y, X) = X25519(y, X) (§7.2), with X decoded as RFC 7748 asks (bit 255
    /// cleared). Returns false, leaving <paramref name="result"/> as G.I (all zero), when the
    /// result is the neutral element: X was a low-order point of the curve or its twist.
    /// libsodium clamps the scalar to a multiple of the cofactor 8, so every low-order input lands
    /// on G.I, as §9.8 requires; libsodium reports that case and it is checked again here.
    /// </summary>
    public static bool ScalarMultVfy(Key scalar, ReadOnlySpan<byte> point, Span<byte> result)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (point.Length != FieldSizeBytes || result.Length != FieldSizeBytes)
        {
            throw new ArgumentException($"Points and results are {FieldSizeBytes} bytes.");
        }

        result.Clear();
        Span<byte> decoded = stackalloc byte[FieldSizeBytes];
        point.CopyTo(decoded);
        decoded[^1] &= 0x7F;
        var peer = NSec.Cryptography.PublicKey.Import(X25519, decoded, KeyBlobFormat.RawPublicKey);
        using var shared = X25519.Agree(scalar, peer, new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        if (shared is null)
        {
            return false;
        }

        if (!shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, result, out var written) || written != FieldSizeBytes)
        {
            throw new CryptographicException("The X25519 result could not be exported.");
        }

        return !IsNeutral(result);
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

    /// <summary>True when all bytes are zero (G.I), without an early exit.</summary>
    private static bool IsNeutral(ReadOnlySpan<byte> value)
    {
        var accumulator = 0;
        foreach (var b in value)
        {
            accumulator |= b;
        }

        return accumulator == 0;
    }
}
