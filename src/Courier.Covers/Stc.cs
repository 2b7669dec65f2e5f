using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Courier.Covers;

/// <summary>
/// Syndrome-trellis codes (T. Filler, J. Judas, J. Fridrich, "Minimizing additive distortion in
/// steganography using syndrome-trellis codes", IEEE TIFS 2011). The parity-check matrix H (m × n)
/// is the h × w submatrix Ĥ repeated along the diagonal, one row down per message bit, with the n
/// columns shared out as evenly as the m blocks allow. The sender finds, by the Viterbi algorithm over
/// 2^h states, the parities y of least total cost with H·y = message; the receiver computes H·y.
/// </summary>
internal static class Stc
{
    /// <summary>The constraint height h: 2^7 = 128 trellis states (sixteen 8-lane vectors).</summary>
    public const int Height = 7;

    const int States = 1 << Height;
    const int Patterns = 64;

    // Ĥ's columns: first and last row set (as the paper advises), the rows between from a fixed mixer.
    static readonly int[] Columns = MakeColumns();

    static readonly Vector256<int>[] Lanes = MakeLanes();

    /// <summary>The parities y (0 or 1 each) nearest <paramref name="cover"/> in <paramref name="costs"/> with H·y = <paramref name="message"/>.</summary>
    /// <param name="cover">The cover's parities, one per column.</param>
    /// <param name="costs">The cost of flipping each parity.</param>
    /// <param name="message">The message bits, 0 or 1; fewer than half as many as columns.</param>
    /// <param name="vectorised">Whether AVX2 may be used (tests compare both paths).</param>
    public static byte[] Embed(ReadOnlySpan<byte> cover, ReadOnlySpan<float> costs, ReadOnlySpan<byte> message, bool vectorised = true)
    {
        var n = cover.Length;
        var m = message.Length;
        var path = new ulong[2 * n];
        Span<float> cost = stackalloc float[States];
        Span<float> next = stackalloc float[States];
        cost.Fill(float.PositiveInfinity);
        cost[0] = 0;
        var avx = vectorised && Avx2.IsSupported;
        var j = 0;
        for (var b = 0; b < m; b++)
        {
            var end = BlockStart(b + 1, n, m);
            for (var k = 0; j < end; j++, k++)
            {
                var pattern = Columns[k & (Patterns - 1)];
                var keep = cover[j] == 0 ? 0f : costs[j];
                var flip = cover[j] == 0 ? costs[j] : 0f;
                if (avx)
                {
                    StepAvx2(cost, next, pattern, keep, flip, path.AsSpan(2 * j, 2));
                }
                else
                {
                    Step(cost, next, pattern, keep, flip, path.AsSpan(2 * j, 2));
                }

                var swap = cost;
                cost = next;
                next = swap;
            }

            // Row b is complete: keep the states whose lowest bit is the message bit, then shift.
            var bit = message[b];
            var least = float.PositiveInfinity;
            for (var s = 0; s < States / 2; s++)
            {
                next[s] = cost[(s << 1) | bit];
                least = MathF.Min(least, next[s]);
            }

            next[(States / 2)..].Fill(float.PositiveInfinity);
            if (float.IsInfinity(least))
            {
                throw new InvalidOperationException("No stego word satisfies the syndrome (too few columns).");
            }

            // Keep the metrics small so that float sums of cheap costs stay exact enough.
            for (var s = 0; s < States / 2; s++)
            {
                next[s] -= least;
            }

            var swapped = cost;
            cost = next;
            next = swapped;
        }

        var state = 0;
        for (var s = 1; s < States / 2; s++)
        {
            state = cost[s] < cost[state] ? s : state;
        }

        var stego = new byte[n];
        for (var b = m - 1; b >= 0; b--)
        {
            state = ((state << 1) | message[b]) & (States - 1);
            var start = BlockStart(b, n, m);
            for (var i = BlockStart(b + 1, n, m) - 1; i >= start; i--)
            {
                var chosen = (int)((path[2 * i + (state >> 6)] >> (state & 63)) & 1);
                stego[i] = (byte)chosen;
                state ^= chosen * Columns[(i - start) & (Patterns - 1)];
            }
        }

        return stego;
    }

    /// <summary>The message H·y carried by the parities <paramref name="stego"/>.</summary>
    public static void Extract(ReadOnlySpan<byte> stego, Span<byte> message)
    {
        var n = stego.Length;
        var m = message.Length;
        var register = 0;
        var j = 0;
        for (var b = 0; b < m; b++)
        {
            var end = BlockStart(b + 1, n, m);
            for (var k = 0; j < end; j++, k++)
            {
                register ^= stego[j] * Columns[k & (Patterns - 1)];
            }

            message[b] = (byte)(register & 1);
            register >>= 1;
        }
    }

    static int BlockStart(int block, int n, int m) => (int)((long)block * n / m);

    static void Step(Span<float> cost, Span<float> next, int pattern, float keep, float flip, Span<ulong> path)
    {
        path.Clear();
        for (var s = 0; s < States; s++)
        {
            var stay = cost[s] + keep;
            var move = cost[s ^ pattern] + flip;
            var chosen = move < stay;
            next[s] = chosen ? move : stay;
            path[s >> 6] |= (chosen ? 1UL : 0UL) << (s & 63);
        }
    }

    static unsafe void StepAvx2(Span<float> cost, Span<float> next, int pattern, float keep, float flip, Span<ulong> path)
    {
        var lanes = Lanes[pattern & 7];
        var high = pattern >> 3;
        var keepV = Vector256.Create(keep);
        var flipV = Vector256.Create(flip);
        ulong low = 0, upper = 0;
        fixed (float* c = cost, o = next)
        {
            for (var v = 0; v < States / 8; v++)
            {
                var stay = Avx.Add(Avx.LoadVector256(c + 8 * v), keepV);
                var move = Avx.Add(Avx2.PermuteVar8x32(Avx.LoadVector256(c + 8 * (v ^ high)), lanes), flipV);
                var chosen = Avx.CompareLessThan(move, stay);
                Avx.Store(o + 8 * v, Avx.BlendVariable(stay, move, chosen));
                var bits = (ulong)(uint)Avx.MoveMask(chosen);
                if (v < 8)
                {
                    low |= bits << (8 * v);
                }
                else
                {
                    upper |= bits << (8 * (v - 8));
                }
            }
        }

        path[0] = low;
        path[1] = upper;
    }

    static int[] MakeColumns()
    {
        var columns = new int[Patterns];
        var mixer = 0x2545F491u;
        for (var k = 0; k < Patterns; k++)
        {
            mixer ^= mixer << 13;
            mixer ^= mixer >> 17;
            mixer ^= mixer << 5;
            columns[k] = 1 | (1 << (Height - 1)) | (int)(mixer & 0b0111110);
        }

        return columns;
    }

    static Vector256<int>[] MakeLanes()
    {
        var lanes = new Vector256<int>[8];
        for (var x = 0; x < 8; x++)
        {
            lanes[x] = Vector256.Create(x, 1 ^ x, 2 ^ x, 3 ^ x, 4 ^ x, 5 ^ x, 6 ^ x, 7 ^ x);
        }

        return lanes;
    }
}
