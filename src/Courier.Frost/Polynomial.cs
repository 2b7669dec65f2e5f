using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// Shamir sharing over the scalar field and its verifiable commitments: polynomial evaluation and
/// Lagrange coefficients (RFC 9591 §4.2, Appendix C.1), vss_commit and vss_verify (Appendix C.2).
/// </summary>
internal static class Polynomial
{
    /// <summary>2 ≤ min ≤ max ≤ 65535 (RFC 9591 §5: MIN_PARTICIPANTS > 1, MAX_PARTICIPANTS ≥ MIN_PARTICIPANTS).</summary>
    public static void CheckThreshold(int minSigners, int maxSigners)
    {
        if (minSigners < 2 || minSigners > maxSigners || maxSigners > ushort.MaxValue)
        {
            throw new FrostException(FrostError.ThresholdOutOfRange, $"A threshold of {minSigners} of {maxSigners} is out of range (2 ≤ min ≤ max ≤ 65535).");
        }
    }

    /// <summary>f(x) = Σ coefficients[i] · x^i by Horner's rule.</summary>
    public static byte[] Evaluate(IReadOnlyList<byte[]> coefficients, ReadOnlySpan<byte> x)
    {
        var value = (byte[])coefficients[^1].Clone();
        for (var i = coefficients.Count - 2; i >= 0; i--)
        {
            var product = Group.Mul(value, x);
            CryptographicOperations.ZeroMemory(value);
            value = Group.Add(product, coefficients[i]);
            CryptographicOperations.ZeroMemory(product);
        }

        return value;
    }

    /// <summary>derive_interpolating_value (§4.2): λ_i = Π_{j≠i} x_j / (x_j − x_i) over the signer set.</summary>
    public static byte[] Lagrange(IReadOnlyList<Identifier> signers, Identifier participant)
    {
        var numerator = Group.FromUInt(1);
        var denominator = Group.FromUInt(1);
        var found = false;
        foreach (var x in signers)
        {
            if (x.Equals(participant))
            {
                found = true;
                continue;
            }

            numerator = Group.Mul(numerator, x.Scalar);
            denominator = Group.Mul(denominator, Group.Sub(x.Scalar, participant.Scalar));
        }

        if (!found)
        {
            throw new FrostException(FrostError.UnknownIdentifier, $"Participant {participant} is not among the signers.", [participant]);
        }

        return Group.Mul(numerator, Group.Invert(denominator));
    }

    /// <summary>vss_commit (Appendix C.2): each coefficient times the base point.</summary>
    public static byte[][] Commit(IReadOnlyList<byte[]> coefficients) => [.. coefficients.Select(c => Group.BaseMult(c))];

    /// <summary>The element Σ commitment[j] · x^j: the public image of the committed polynomial at x (Appendix C.2).</summary>
    public static byte[] EvaluateCommitment(IReadOnlyList<byte[]> commitment, ReadOnlySpan<byte> x)
    {
        var result = commitment[0];
        var power = Group.FromUInt(1);
        for (var j = 1; j < commitment.Count; j++)
        {
            power = Group.Mul(power, x);
            result = Group.AddElements(result, Group.Mult(power, commitment[j]));
        }

        return result;
    }

    /// <summary>vss_verify (Appendix C.2): share · B = Σ commitment[j] · x^j. A zero share never verifies.</summary>
    public static bool VerifyShare(Identifier x, ReadOnlySpan<byte> share, IReadOnlyList<byte[]> commitment)
    {
        if (Group.IsZero(share))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Group.BaseMult(share), EvaluateCommitment(commitment, x.Scalar));
    }

    /// <summary>The element-wise sum of several participants' commitments: the commitment to the sum of their polynomials.</summary>
    public static byte[][] SumCommitments(IEnumerable<IReadOnlyList<byte[]>> commitments)
    {
        byte[][]? sum = null;
        foreach (var c in commitments)
        {
            sum = sum is null ? [.. c] : [.. sum.Zip(c, (a, b) => Group.AddElements(a, b))];
        }

        return sum ?? throw new FrostException(FrostError.WrongCount, "There are no commitments to sum.");
    }

    /// <summary>Random coefficients a_1 … a_{t−1} after the given constant term (Appendix C.1).</summary>
    public static byte[][] Random(byte[] constant, int minSigners, RandomSource random)
    {
        var coefficients = new byte[minSigners][];
        coefficients[0] = constant;
        for (var i = 1; i < minSigners; i++)
        {
            coefficients[i] = Group.RandomScalar(random);
        }

        return coefficients;
    }

    public static void Wipe(IEnumerable<byte[]> secrets)
    {
        foreach (var s in secrets)
        {
            CryptographicOperations.ZeroMemory(s);
        }
    }
}
