using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Frost;

/// <summary>
/// The group of FROST(Ed25519, SHA-512) (RFC 9591 §6.5): edwards25519's prime-order subgroup and its
/// scalar field, every operation libsodium's. Scalars and elements are 32-byte arrays in their RFC
/// encodings; those that hold secrets are wiped by their owners.
/// </summary>
internal static class Group
{
    public const int ScalarSize = 32;
    public const int ElementSize = 32;

    /// <summary>RFC 9591 §3.1 DeserializeElement (§6.5): canonical, on the curve, in the prime-order subgroup, not the identity.</summary>
    public static byte[] DeserializeElement(ReadOnlySpan<byte> encoded, string what)
    {
        if (encoded.Length != ElementSize)
        {
            throw new FrostException(FrostError.Malformed, $"{what}: an element is {ElementSize} bytes.");
        }

        if (!LibSodium.Ed25519IsValidPoint(encoded))
        {
            throw IsIdentity(encoded)
                ? new FrostException(FrostError.IdentityElement, $"{what} is the identity element.")
                : new FrostException(FrostError.InvalidElement, $"{what} is not an element of the prime-order group.");
        }

        return encoded.ToArray();
    }

    /// <summary>RFC 9591 §3.1 DeserializeScalar (§6.5): a little-endian integer below the group order L.</summary>
    public static byte[] DeserializeScalar(ReadOnlySpan<byte> encoded, string what)
    {
        if (encoded.Length != ScalarSize)
        {
            throw new FrostException(FrostError.Malformed, $"{what}: a scalar is {ScalarSize} bytes.");
        }

        // Below L exactly when reducing it changes nothing.
        Span<byte> wide = stackalloc byte[LibSodium.Ed25519NonReducedScalarSize];
        wide.Clear();
        encoded.CopyTo(wide);
        var reduced = new byte[ScalarSize];
        LibSodium.Ed25519ScalarReduce(reduced, wide);
        CryptographicOperations.ZeroMemory(wide);
        if (!CryptographicOperations.FixedTimeEquals(reduced, encoded))
        {
            CryptographicOperations.ZeroMemory(reduced);
            throw new FrostException(FrostError.InvalidScalar, $"{what} is not a scalar below the group order.");
        }

        return reduced;
    }

    /// <summary>The 64-byte little-endian integer <paramref name="wide"/> modulo L (the ciphersuite's hash-to-scalar reduction).</summary>
    public static byte[] Reduce(ReadOnlySpan<byte> wide)
    {
        var result = new byte[ScalarSize];
        LibSodium.Ed25519ScalarReduce(result, wide);
        return result;
    }

    /// <summary>A uniformly random non-zero scalar: 64 bytes of <paramref name="random"/> reduced modulo L.</summary>
    public static byte[] RandomScalar(RandomSource random)
    {
        Span<byte> wide = stackalloc byte[LibSodium.Ed25519NonReducedScalarSize];
        try
        {
            while (true)
            {
                random(wide);
                var scalar = Reduce(wide);
                if (!IsZero(scalar))
                {
                    return scalar;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
        }
    }

    public static byte[] FromUInt(uint value)
    {
        var scalar = new byte[ScalarSize];
        BitConverter.TryWriteBytes(scalar, value);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(scalar, 0, sizeof(uint));
        }

        return scalar;
    }

    public static byte[] Add(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var z = new byte[ScalarSize];
        LibSodium.Ed25519ScalarAdd(z, x, y);
        return z;
    }

    public static byte[] Sub(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var z = new byte[ScalarSize];
        LibSodium.Ed25519ScalarSub(z, x, y);
        return z;
    }

    public static byte[] Mul(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var z = new byte[ScalarSize];
        LibSodium.Ed25519ScalarMul(z, x, y);
        return z;
    }

    public static byte[] Invert(ReadOnlySpan<byte> s)
    {
        var result = new byte[ScalarSize];
        if (!LibSodium.Ed25519ScalarInvert(result, s))
        {
            throw new FrostException(FrostError.InvalidScalar, "Zero has no inverse.");
        }

        return result;
    }

    public static bool IsZero(ReadOnlySpan<byte> scalar)
    {
        Span<byte> zero = stackalloc byte[ScalarSize];
        zero.Clear();
        return CryptographicOperations.FixedTimeEquals(scalar, zero);
    }

    /// <summary>ScalarBaseMult (§3.1): s · B. A zero scalar has no valid image (the identity is no element here).</summary>
    public static byte[] BaseMult(ReadOnlySpan<byte> scalar)
    {
        var result = new byte[ElementSize];
        if (!LibSodium.Ed25519ScalarMultBase(result, scalar))
        {
            throw new FrostException(FrostError.IdentityElement, "A scalar multiple of the base point is the identity.");
        }

        return result;
    }

    /// <summary>
    /// ScalarMult (§3.1): s · P for a validated element P. Zero times P is the identity, which libsodium
    /// refuses to compute; callers that can meet a zero scalar use <see cref="TryMult"/>.
    /// </summary>
    public static byte[] Mult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element) =>
        TryMult(scalar, element) ?? throw new FrostException(FrostError.IdentityElement, "A scalar multiple is the identity.");

    public static byte[]? TryMult(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> element)
    {
        var result = new byte[ElementSize];
        return LibSodium.Ed25519ScalarMult(result, scalar, element) ? result : null;
    }

    /// <summary>Element addition (§3.1). The sum of two valid elements always decodes; it may be the identity.</summary>
    public static byte[] AddElements(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q)
    {
        var result = new byte[ElementSize];
        if (!LibSodium.Ed25519Add(result, p, q))
        {
            throw new FrostException(FrostError.InvalidElement, "An element does not decode.");
        }

        return result;
    }

    /// <summary>The encoding of the identity element (0, 1): y = 1, sign bit 0.</summary>
    public static bool IsIdentity(ReadOnlySpan<byte> encoded) =>
        encoded.Length == ElementSize && encoded[0] == 1 && encoded[1..].IndexOfAnyExcept((byte)0) < 0;

    /// <summary>Orders scalars as integers (little-endian): the order of identifiers in every list (§4.3).</summary>
    public static int Compare(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        for (var i = ScalarSize - 1; i >= 0; i--)
        {
            if (x[i] != y[i])
            {
                return x[i].CompareTo(y[i]);
            }
        }

        return 0;
    }
}
