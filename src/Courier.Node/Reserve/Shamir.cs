using System.Security.Cryptography;

namespace Courier.Node.Reserve;

/// <summary>
/// Shamir's secret sharing over bytes (Shamir 1979, "How to share a secret"): each byte of the
/// secret is the constant term of its own random polynomial of degree threshold − 1 over GF(2^8)
/// with the AES polynomial x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2); share i holds every polynomial's
/// value at x = i (1 to 255). Any threshold shares give the secret by Lagrange interpolation at 0;
/// fewer give no information about it. Field multiplication is a fixed loop of shifts and masks,
/// with no table indexed by secret data, so its timing does not depend on the bytes it multiplies.
/// </summary>
internal static class Shamir
{
    /// <summary>The low byte of the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B).</summary>
    private const int Reduction = 0x1B;

    /// <summary>Splits <paramref name="secret"/> into <paramref name="count"/> shares (x = 1..count), any <paramref name="threshold"/> of which give it back.</summary>
    /// <param name="secret">The secret, one polynomial per byte.</param>
    /// <param name="threshold">How many shares give the secret back (k).</param>
    /// <param name="count">How many shares to make (n).</param>
    /// <param name="random">The source of the polynomials' coefficients (a test passes a seeded one).</param>
    /// <exception cref="ArgumentOutOfRangeException">The secret is empty, or not 2 ≤ threshold ≤ count ≤ 255.</exception>
    public static List<ShamirShare> Split(ReadOnlySpan<byte> secret, int threshold, int count, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfZero(secret.Length, nameof(secret));
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 255);

        // Coefficients a_1 .. a_{k-1} of each byte's polynomial, byte by byte.
        var coefficients = GC.AllocateArray<byte>(secret.Length * (threshold - 1), pinned: true);
        try
        {
            random.GetBytes(coefficients);
            var shares = new List<ShamirShare>(count);
            for (var x = 1; x <= count; x++)
            {
                var y = new byte[secret.Length];
                for (var b = 0; b < secret.Length; b++)
                {
                    // Horner: f(x) = (((a_{k-1} x + a_{k-2}) x + ...) x + a_1) x + secret.
                    var value = 0;
                    for (var d = threshold - 2; d >= 0; d--)
                    {
                        value = Multiply(value, x) ^ coefficients[(b * (threshold - 1)) + d];
                    }

                    y[b] = (byte)(Multiply(value, x) ^ secret[b]);
                }

                shares.Add(new ShamirShare((byte)x, (byte)threshold, y));
            }

            return shares;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coefficients);
        }
    }

    /// <summary>The secret of <paramref name="shares"/>: the first threshold of them, interpolated at 0.</summary>
    /// <exception cref="ShareRefusedException">Fewer shares than their threshold, a repeated or zero x-coordinate, or shares of different splits; nothing was reconstructed.</exception>
    public static byte[] Combine(IReadOnlyList<ShamirShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0)
        {
            throw new ShareRefusedException(ShareRefusal.TooFew, "No share was given.");
        }

        var (threshold, length) = (shares[0].Threshold, shares[0].Y.Length);
        if (shares.Any(s => s.Threshold != threshold || s.Y.Length != length) || threshold < 2 || length == 0)
        {
            throw new ShareRefusedException(ShareRefusal.Mismatched, "The shares are not of one split: their thresholds or lengths differ.");
        }

        if (shares.Any(s => s.X == 0))
        {
            throw new ShareRefusedException(ShareRefusal.ZeroX, "A share has the x-coordinate 0, which no share has.");
        }

        if (shares.Select(s => s.X).Distinct().Count() != shares.Count)
        {
            throw new ShareRefusedException(ShareRefusal.Duplicate, "Two shares have the same x-coordinate: the same share was given twice.");
        }

        if (shares.Count < threshold)
        {
            throw new ShareRefusedException(ShareRefusal.TooFew, $"These shares need {threshold} to combine; {shares.Count} were given.");
        }

        var used = shares.Take(threshold).ToList();

        // Lagrange basis at 0: l_i(0) = prod_{j != i} x_j / (x_j - x_i), subtraction being XOR.
        var basis = new int[threshold];
        for (var i = 0; i < threshold; i++)
        {
            var (numerator, denominator) = (1, 1);
            for (var j = 0; j < threshold; j++)
            {
                if (j != i)
                {
                    numerator = Multiply(numerator, used[j].X);
                    denominator = Multiply(denominator, used[j].X ^ used[i].X);
                }
            }

            basis[i] = Multiply(numerator, Inverse(denominator));
        }

        var secret = new byte[length];
        for (var b = 0; b < length; b++)
        {
            var value = 0;
            for (var i = 0; i < threshold; i++)
            {
                value ^= Multiply(used[i].Y[b], basis[i]);
            }

            secret[b] = (byte)value;
        }

        return secret;
    }

    /// <summary>a·b in GF(2^8): eight rounds of add-if-bit-set and multiply-by-x, with masks instead of branches.</summary>
    internal static int Multiply(int a, int b)
    {
        var product = 0;
        for (var i = 0; i < 8; i++)
        {
            product ^= a & -(b & 1);
            b >>= 1;
            a = ((a << 1) ^ (Reduction & -((a >> 7) & 1))) & 0xFF;
        }

        return product;
    }

    /// <summary>a^-1 = a^254 in GF(2^8) (0 for 0), by a fixed chain of squarings and multiplications.</summary>
    internal static int Inverse(int a)
    {
        // 254 = 0b11111110: square-and-multiply over its bits, the same steps for every a.
        var result = 1;
        for (var bit = 7; bit >= 0; bit--)
        {
            result = Multiply(result, result);
            result = bit == 0 ? result : Multiply(result, a);
        }

        return result;
    }
}
