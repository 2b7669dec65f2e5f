namespace Courier.Node.Cpace;

/// <summary>
/// map_to_curve_elligator2 for Curve25519 (RFC 9380 §6.7.1, as restated in appendix A.5 of
/// draft-irtf-cfrg-cpace-21), returning only the u-coordinate CPace needs. Z = 2, the first
/// non-square that find_z_ell2 finds for GF(2^255 - 19).
/// </summary>
internal static class Elligator2
{
    /// <summary>The Montgomery coefficient A of Curve25519 (RFC 7748 §4.1).</summary>
    private const uint A = 486662;

    private const uint Z = 2;

    /// <summary>
    /// u = -A / (1 + Z r^2); u is the result when u^3 + A u^2 + u is a square, otherwise -u - A.
    /// 1 + 2 r^2 is never 0, because -1/2 is not a square modulo p (p = 5 mod 8), so the inverse
    /// always exists; and u^3 + A u^2 + u is never 0, so Euler's criterion gives exactly 1 or -1.
    /// </summary>
    public static FieldElement MapToCurve(FieldElement r)
    {
        var a = FieldElement.FromUInt32(A);
        var v = -(a * (FieldElement.One + FieldElement.FromUInt32(Z) * r.Square()).Invert());
        var gv = ((v + a) * v + FieldElement.One) * v;
        var isSquare = gv.Legendre().ValueEquals(FieldElement.One);
        return FieldElement.Select(isSquare, v, -v - a);
    }
}
