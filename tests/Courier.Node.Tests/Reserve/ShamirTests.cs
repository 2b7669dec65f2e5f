using System.Security.Cryptography;
using Courier.Node.Reserve;

namespace Courier.Node.Tests.Reserve;

/// <summary>
/// Shamir's secret sharing over GF(2^8) (issue 16, must-hold 3, the mathematical part): the field
/// against a schoolbook reference, round trips over every subset, typed refusals, and that two shares
/// of a 3-of-5 split leave every value of every secret byte exactly equally possible.
/// </summary>
public sealed class ShamirTests
{
    /// <summary>Reference: carry-less product, then reduction by x^8 + x^4 + x^3 + x + 1 by long division.</summary>
    private static int Reference(int a, int b)
    {
        var product = 0;
        for (var i = 0; i < 8; i++)
        {
            if (((b >> i) & 1) == 1)
            {
                product ^= a << i;
            }
        }

        for (var bit = 14; bit >= 8; bit--)
        {
            if (((product >> bit) & 1) == 1)
            {
                product ^= 0x11B << (bit - 8);
            }
        }

        return product;
    }

    [Fact]
    public void Multiplication_matches_the_schoolbook_reference_for_all_pairs_and_every_nonzero_byte_has_its_inverse()
    {
        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                Assert.Equal(Reference(a, b), Shamir.Multiply(a, b));
            }
        }

        Assert.Equal(0, Shamir.Inverse(0));
        for (var a = 1; a < 256; a++)
        {
            Assert.Equal(1, Shamir.Multiply(a, Shamir.Inverse(a)));
        }

        // FIPS 197 §4.2's example: {57} • {83} = {c1}.
        Assert.Equal(0xC1, Shamir.Multiply(0x57, 0x83));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 5)]
    [InlineData(4, 7)]
    public void Every_subset_of_threshold_shares_gives_the_secret_in_any_order(int threshold, int count)
    {
        var secret = RandomNumberGenerator.GetBytes(33);
        var shares = Shamir.Split(secret, threshold, count, RandomNumberGenerator.Create());
        Assert.Equal(Enumerable.Range(1, count).Select(x => (byte)x), shares.Select(s => s.X));
        foreach (var subset in Subsets(count, threshold))
        {
            var chosen = subset.Select(i => shares[i]).ToList();
            Assert.Equal(secret, Shamir.Combine(chosen));
            chosen.Reverse();
            Assert.Equal(secret, Shamir.Combine(chosen));
        }

        Assert.Equal(secret, Shamir.Combine(shares));
    }

    [Fact]
    public void Too_few_repeated_zero_mismatched_and_malformed_shares_are_refused_with_their_reason()
    {
        var shares = Shamir.Split("the reserve's keys"u8, 3, 5, RandomNumberGenerator.Create());
        Assert.Equal(ShareRefusal.TooFew, Refused([shares[0], shares[1]]).Reason);
        Assert.Equal(ShareRefusal.TooFew, Refused([]).Reason);
        Assert.Equal(ShareRefusal.Duplicate, Refused([shares[0], shares[1], shares[0]]).Reason);
        Assert.Equal(ShareRefusal.ZeroX, Refused([shares[0], shares[1], shares[2] with { X = 0 }]).Reason);
        Assert.Equal(ShareRefusal.Mismatched, Refused([shares[0], shares[1], shares[2] with { Y = shares[2].Y[..^1] }]).Reason);
        Assert.Equal(ShareRefusal.Mismatched, Refused([shares[0], shares[1], shares[2] with { Threshold = 2 }]).Reason);
        Assert.Equal("too_few_shares", Refused([shares[0]]).ErrorCode);
        Assert.Equal(ShareRefusal.Malformed, Assert.Throws<ShareRefusedException>(() => ShamirShare.Decode([1, 3])).Reason);
        Assert.Equal(shares[4], ShamirShare.Decode(shares[4].Encode()) with { Y = shares[4].Y });
        Assert.Equal(shares[4].Y, ShamirShare.Decode(shares[4].Encode()).Y);
        Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.Split([1], 1, 5, RandomNumberGenerator.Create()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.Split([1], 3, 2, RandomNumberGenerator.Create()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.Split([1], 3, 256, RandomNumberGenerator.Create()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shamir.Split([], 2, 3, RandomNumberGenerator.Create()));
    }

    /// <summary>
    /// Two shares of a 3-of-5 split, on every byte: for each of the 256 candidate values of the secret
    /// byte, exactly one polynomial a_0 + a_1 x + a_2 x^2 with a_0 the candidate passes through both
    /// points. So every secret value is equally consistent with what the two holders know: they learn
    /// nothing. Every pair of the five and every byte is checked over all a_1, with the one a_2 that
    /// fits the first point (no other a_2 can: x^2 is invertible); for the first pair's first byte, over
    /// all 256 × 256 choices of a_1 and a_2 as well.
    /// </summary>
    [Fact]
    public void Two_shares_of_a_three_of_five_split_leave_every_value_of_every_secret_byte_exactly_equally_possible()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = Shamir.Split(secret, 3, 5, RandomNumberGenerator.Create());
        foreach (var pair in Subsets(5, 2))
        {
            var (p, q) = (shares[pair[0]], shares[pair[1]]);
            var inverseSquare = Shamir.Inverse(Shamir.Multiply(p.X, p.X));
            for (var b = 0; b < secret.Length; b++)
            {
                for (var candidate = 0; candidate < 256; candidate++)
                {
                    var (consistent, missed) = (0, 0);
                    for (var a1 = 0; a1 < 256; a1++)
                    {
                        var a2 = Product(p.Y[b] ^ candidate ^ Product(a1, p.X), inverseSquare);
                        missed += Evaluate(candidate, a1, a2, p.X) == p.Y[b] ? 0 : 1;
                        consistent += Evaluate(candidate, a1, a2, q.X) == q.Y[b] ? 1 : 0;
                    }

                    Assert.Equal((1, 0), (consistent, missed));
                }
            }
        }

        var (first, second) = (shares[0], shares[1]);
        for (var candidate = 0; candidate < 256; candidate++)
        {
            var consistent = 0;
            for (var a1 = 0; a1 < 256; a1++)
            {
                for (var a2 = 0; a2 < 256; a2++)
                {
                    consistent += Evaluate(candidate, a1, a2, first.X) == first.Y[0] && Evaluate(candidate, a1, a2, second.X) == second.Y[0] ? 1 : 0;
                }
            }

            Assert.Equal(1, consistent);
        }
    }

    /// <summary>
    /// The same from the other side: for any secret byte, the 65,536 equally likely polynomials give each
    /// of the 65,536 possible pairs of values at x = 1 and x = 2 exactly once, so what two holders see is
    /// uniform and independent of the secret (checked for all 256 secret values).
    /// </summary>
    [Fact]
    public void The_values_two_holders_see_are_uniform_whatever_the_secret_byte()
    {
        var seen = new int[65536];
        for (var s = 0; s < 256; s++)
        {
            Array.Clear(seen);
            for (var a1 = 0; a1 < 256; a1++)
            {
                for (var a2 = 0; a2 < 256; a2++)
                {
                    seen[(Evaluate(s, a1, a2, 1) << 8) | Evaluate(s, a1, a2, 2)]++;
                }
            }

            Assert.Equal(seen.Length, seen.Count(n => n == 1));
        }
    }

    private static int Evaluate(int a0, int a1, int a2, int x) => a0 ^ Product(a1, x) ^ Product(a2, Product(x, x));

    // The exhaustive checks above make some 10^8 products: looked up in a table of Shamir.Multiply's
    // own results (checked against the schoolbook product above), not recomputed bit by bit.
    private static readonly byte[] Products = [.. Enumerable.Range(0, 1 << 16).Select(i => (byte)Shamir.Multiply(i >> 8, i & 0xFF))];

    private static int Product(int a, int b) => Products[(a << 8) | b];

    private static ShareRefusedException Refused(List<ShamirShare> shares) => Assert.Throws<ShareRefusedException>(() => Shamir.Combine(shares));

    internal static IEnumerable<int[]> Subsets(int n, int k)
        => k == 0 ? [[]] : Enumerable.Range(0, n).SelectMany(first => Subsets(n, k - 1).Where(rest => rest.All(r => r > first)).Select(rest => (int[])[first, .. rest])).Distinct(new ArrayComparer());

    private sealed class ArrayComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(int[] obj) => obj.Aggregate(17, (h, v) => (h * 31) + v);
    }
}
