using System.Numerics;
using Courier.Node.Cpace;
using CsCheck;

namespace Courier.Node.Tests.Cpace;

/// <summary>
/// The constant-time field arithmetic and Elligator 2 map against a plain BigInteger model of
/// GF(2^255 - 19) and of the map as written in appendix A.5 of draft-irtf-cfrg-cpace-21.
/// </summary>
public class FieldElementTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private static readonly Gen<byte[]> Bytes32 = Gen.Byte.Array[32];

    /// <summary>Inputs at the edges of the encoding: 0, 1, p - 1, p, p + 1 and 2^255 - 1 (all with bit 255 clear or set).</summary>
    public static TheoryData<string> EdgeValues() =>
    [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ];

    [Theory]
    [MemberData(nameof(EdgeValues))]
    public void Edge_values_decode_reduce_and_map_like_the_model(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(Encode(Decode(bytes)), ToBytes(FieldElement.FromBytes(bytes)));
        Assert.Equal(Encode(MapModel(Decode(bytes))), ToBytes(Elligator2.MapToCurve(FieldElement.FromBytes(bytes))));
    }

    [Fact]
    public void Arithmetic_matches_the_model()
    {
        Gen.Select(Bytes32, Bytes32).Sample((x, y) =>
        {
            var a = FieldElement.FromBytes(x);
            var b = FieldElement.FromBytes(y);
            var ma = Decode(x);
            var mb = Decode(y);
            return ToBytes(a + b).SequenceEqual(Encode(ma + mb))
                && ToBytes(a - b).SequenceEqual(Encode(ma - mb))
                && ToBytes(-a).SequenceEqual(Encode(-ma))
                && ToBytes(a * b).SequenceEqual(Encode(ma * mb))
                && ToBytes(a.Square()).SequenceEqual(Encode(ma * ma));
        }, iter: 2000);
    }

    [Fact]
    public void Inversion_and_the_Legendre_symbol_match_the_model()
    {
        Bytes32.Sample(x =>
        {
            var a = FieldElement.FromBytes(x);
            var m = Decode(x);
            return ToBytes(a.Invert()).SequenceEqual(Encode(BigInteger.ModPow(m, P - 2, P)))
                && ToBytes(a.Legendre()).SequenceEqual(Encode(BigInteger.ModPow(m, (P - 1) / 2, P)));
        }, iter: 200);
    }

    [Fact]
    public void Long_chains_of_operations_stay_exact()
    {
        // Limbs that are never fully reduced between operations must not overflow.
        Bytes32.Sample(x =>
        {
            var a = FieldElement.FromBytes(x);
            var m = Decode(x);
            for (var i = 0; i < 50; i++)
            {
                a = (a * a) + a - FieldElement.FromUInt32(486662);
                m = Mod((m * m) + m - 486662);
            }

            return ToBytes(a).SequenceEqual(Encode(m));
        }, iter: 100);
    }

    [Fact]
    public void Elligator2_matches_the_appendix_model()
    {
        Bytes32.Sample(x => ToBytes(Elligator2.MapToCurve(FieldElement.FromBytes(x))).SequenceEqual(Encode(MapModel(Decode(x)))), iter: 200);
    }

    [Fact]
    public void Select_and_equality_follow_their_condition()
    {
        var one = FieldElement.One;
        var two = FieldElement.FromUInt32(2);
        Assert.True(FieldElement.Select(true, one, two).ValueEquals(one));
        Assert.True(FieldElement.Select(false, one, two).ValueEquals(two));
        Assert.False(one.ValueEquals(two));

        // p + 1 and 1 are the same element.
        Assert.True(FieldElement.FromBytes(Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")).ValueEquals(one));
    }

    /// <summary>elligator2(r) of appendix A.5, written with BigInteger: v = -A/(1 + 2r^2); eps = legendre(v^3 + A v^2 + v); x = eps v - (1 - eps) A/2.</summary>
    private static BigInteger MapModel(BigInteger r)
    {
        BigInteger a = 486662;
        var v = Mod(-a * BigInteger.ModPow(Mod(1 + 2 * r * r), P - 2, P));
        var epsilon = BigInteger.ModPow(Mod(v * v * v + a * v * v + v), (P - 1) / 2, P);
        var half = BigInteger.ModPow(2, P - 2, P);
        return Mod(epsilon * v - Mod(1 - epsilon) * a * half);
    }

    private static BigInteger Decode(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[31] &= 0x7F;
        return new BigInteger(copy, isUnsigned: true, isBigEndian: false);
    }

    private static byte[] Encode(BigInteger value)
    {
        var result = new byte[32];
        Mod(value).TryWriteBytes(result, out _, isUnsigned: true, isBigEndian: false);
        return result;
    }

    private static BigInteger Mod(BigInteger value) => ((value % P) + P) % P;

    private static byte[] ToBytes(FieldElement element)
    {
        var result = new byte[32];
        element.ToBytes(result);
        return result;
    }
}
