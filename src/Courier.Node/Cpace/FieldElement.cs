using System.Buffers.Binary;

namespace Courier.Node.Cpace;

/// <summary>
/// An element of GF(2^255 - 19) in five 51-bit limbs, for the Elligator 2 map of CPace. Every
/// operation runs in time independent of the values: no branch or memory index depends on a limb,
/// because the map's input is derived from the password (draft-irtf-cfrg-cpace-21 §9.10). Only
/// exponents, which are public constants, steer loops.
/// </summary>
internal readonly struct FieldElement
{
    private const ulong Mask51 = (1UL << 51) - 1;

    private readonly ulong _l0, _l1, _l2, _l3, _l4;

    private FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        _l0 = l0;
        _l1 = l1;
        _l2 = l2;
        _l3 = l3;
        _l4 = l4;
    }

    public static FieldElement Zero => default;

    public static FieldElement One => new(1, 0, 0, 0, 0);

    /// <summary>A small constant.</summary>
    public static FieldElement FromUInt32(uint value) => new(value, 0, 0, 0, 0);

    /// <summary>
    /// decodeUCoordinate (RFC 7748 §5) for 255 bits: little-endian, bit 255 ignored. Values from p to
    /// 2^255 - 1 are accepted and reduced by the arithmetic.
    /// </summary>
    public static FieldElement FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("A field element is 32 bytes.", nameof(bytes));
        }

        return new FieldElement(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes) & Mask51,
            (BinaryPrimitives.ReadUInt64LittleEndian(bytes[6..]) >> 3) & Mask51,
            (BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]) >> 6) & Mask51,
            (BinaryPrimitives.ReadUInt64LittleEndian(bytes[19..]) >> 1) & Mask51,
            (BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]) >> 12) & Mask51);
    }

    /// <summary>encodeUCoordinate (RFC 7748 §5): the canonical value in [0, p) as 32 little-endian bytes.</summary>
    public void ToBytes(Span<byte> destination)
    {
        if (destination.Length != 32)
        {
            throw new ArgumentException("A field element is 32 bytes.", nameof(destination));
        }

        unchecked
        {
            var t = Carry(_l0, _l1, _l2, _l3, _l4);
            ulong l0 = t._l0, l1 = t._l1, l2 = t._l2, l3 = t._l3, l4 = t._l4;

            // The value is now below 2^255 + 2^13; q = 1 exactly when it is at least p (value + 19 overflows 2^255).
            var q = (l0 + 19) >> 51;
            q = (l1 + q) >> 51;
            q = (l2 + q) >> 51;
            q = (l3 + q) >> 51;
            q = (l4 + q) >> 51;

            // Subtract q * p by adding 19q and dropping bit 255.
            l0 += 19 * q;
            l1 += l0 >> 51;
            l0 &= Mask51;
            l2 += l1 >> 51;
            l1 &= Mask51;
            l3 += l2 >> 51;
            l2 &= Mask51;
            l4 += l3 >> 51;
            l3 &= Mask51;
            l4 &= Mask51;

            BinaryPrimitives.WriteUInt64LittleEndian(destination, l0 | (l1 << 51));
            BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (l1 >> 13) | (l2 << 38));
            BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (l2 >> 26) | (l3 << 25));
            BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (l3 >> 39) | (l4 << 12));
        }
    }

    public static FieldElement operator +(FieldElement a, FieldElement b)
        => unchecked(Carry(a._l0 + b._l0, a._l1 + b._l1, a._l2 + b._l2, a._l3 + b._l3, a._l4 + b._l4));

    /// <summary>a - b, computed as a + 4p - b so that no limb goes below zero.</summary>
    public static FieldElement operator -(FieldElement a, FieldElement b)
    {
        // 4p in 51-bit limbs: 4 * (2^51 - 19) and 4 * (2^51 - 1); every limb here is below 2^52.
        const ulong FourP0 = 0x1FFFFFFFFFFFB4;
        const ulong FourP = 0x1FFFFFFFFFFFFC;
        return unchecked(Carry(
            a._l0 + FourP0 - b._l0,
            a._l1 + FourP - b._l1,
            a._l2 + FourP - b._l2,
            a._l3 + FourP - b._l3,
            a._l4 + FourP - b._l4));
    }

    public static FieldElement operator -(FieldElement a) => Zero - a;

    public static FieldElement operator *(FieldElement a, FieldElement b)
    {
        unchecked
        {
            ulong a0 = a._l0, a1 = a._l1, a2 = a._l2, a3 = a._l3, a4 = a._l4;
            ulong b0 = b._l0, b1 = b._l1, b2 = b._l2, b3 = b._l3, b4 = b._l4;

            // 2^255 = 19 (mod p): a limb product that lands at 2^255 or above folds back times 19.
            ulong b1x19 = b1 * 19, b2x19 = b2 * 19, b3x19 = b3 * 19, b4x19 = b4 * 19;
            var r0 = Mul(a0, b0) + Mul(a1, b4x19) + Mul(a2, b3x19) + Mul(a3, b2x19) + Mul(a4, b1x19);
            var r1 = Mul(a0, b1) + Mul(a1, b0) + Mul(a2, b4x19) + Mul(a3, b3x19) + Mul(a4, b2x19);
            var r2 = Mul(a0, b2) + Mul(a1, b1) + Mul(a2, b0) + Mul(a3, b4x19) + Mul(a4, b3x19);
            var r3 = Mul(a0, b3) + Mul(a1, b2) + Mul(a2, b1) + Mul(a3, b0) + Mul(a4, b4x19);
            var r4 = Mul(a0, b4) + Mul(a1, b3) + Mul(a2, b2) + Mul(a3, b1) + Mul(a4, b0);

            r1 += r0 >> 51;
            var l0 = (ulong)r0 & Mask51;
            r2 += r1 >> 51;
            var l1 = (ulong)r1 & Mask51;
            r3 += r2 >> 51;
            var l2 = (ulong)r2 & Mask51;
            r4 += r3 >> 51;
            var l3 = (ulong)r3 & Mask51;
            var c = (ulong)(r4 >> 51);
            var l4 = (ulong)r4 & Mask51;
            l0 += c * 19;
            l1 += l0 >> 51;
            l0 &= Mask51;
            return new FieldElement(l0, l1, l2, l3, l4);
        }
    }

    public FieldElement Square() => this * this;

    /// <summary>
    /// this^e for a public exponent <paramref name="exponent"/> (little-endian bytes). The sequence of
    /// operations depends only on the exponent, never on this value.
    /// </summary>
    public FieldElement Pow(ReadOnlySpan<byte> exponent)
    {
        var result = One;
        for (var i = exponent.Length * 8 - 1; i >= 0; i--)
        {
            result = result.Square();
            if (((exponent[i / 8] >> (i % 8)) & 1) != 0)
            {
                result *= this;
            }
        }

        return result;
    }

    /// <summary>The inverse, as this^(p-2) (0 maps to 0).</summary>
    public FieldElement Invert() => Pow(PMinus2);

    /// <summary>Euler's criterion: this^((p-1)/2), which is 1 for a non-zero square, p-1 for a non-square and 0 for 0.</summary>
    public FieldElement Legendre() => Pow(PMinus1Over2);

    /// <summary>True when both encode the same value, compared without branching on the bytes.</summary>
    public bool ValueEquals(FieldElement other)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        ToBytes(a);
        other.ToBytes(b);
        var equal = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(a, b);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(a);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(b);
        return equal;
    }

    /// <summary>Returns <paramref name="ifTrue"/> when <paramref name="condition"/> is set, else <paramref name="ifFalse"/>, without a branch.</summary>
    public static FieldElement Select(bool condition, FieldElement ifTrue, FieldElement ifFalse)
    {
        unchecked
        {
            // 0 or all ones, from the bool's 0/1 without a branch.
            var mask = 0UL - (ulong)(condition ? 1 : 0);
            return new FieldElement(
                ifFalse._l0 ^ (mask & (ifFalse._l0 ^ ifTrue._l0)),
                ifFalse._l1 ^ (mask & (ifFalse._l1 ^ ifTrue._l1)),
                ifFalse._l2 ^ (mask & (ifFalse._l2 ^ ifTrue._l2)),
                ifFalse._l3 ^ (mask & (ifFalse._l3 ^ ifTrue._l3)),
                ifFalse._l4 ^ (mask & (ifFalse._l4 ^ ifTrue._l4)));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => "FieldElement";

    /// <summary>p - 2 = 2^255 - 21, little-endian.</summary>
    private static ReadOnlySpan<byte> PMinus2 =>
    [
        0xEB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
    ];

    /// <summary>(p - 1) / 2 = 2^254 - 10, little-endian.</summary>
    private static ReadOnlySpan<byte> PMinus1Over2 =>
    [
        0xF6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F,
    ];

    private static UInt128 Mul(ulong a, ulong b) => (UInt128)a * b;

    /// <summary>Carries every limb down to 51 bits, folding the top carry back times 19.</summary>
    private static FieldElement Carry(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        unchecked
        {
            l1 += l0 >> 51;
            l0 &= Mask51;
            l2 += l1 >> 51;
            l1 &= Mask51;
            l3 += l2 >> 51;
            l2 &= Mask51;
            l4 += l3 >> 51;
            l3 &= Mask51;
            l0 += (l4 >> 51) * 19;
            l4 &= Mask51;
            l1 += l0 >> 51;
            l0 &= Mask51;
            return new FieldElement(l0, l1, l2, l3, l4);
        }
    }
}
