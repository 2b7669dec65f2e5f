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
            if (avx)
            {
                ForwardAvx2(cover[j..end], costs[j..end], cost, path.AsSpan(2 * j, 2 * (end - j)));
            }
            else
            {
                Forward(cover[j..end], costs[j..end], cost, next, path.AsSpan(2 * j, 2 * (end - j)));
            }

            j = end;

            // Row b is complete: keep the states whose lowest bit is the message bit, then shift.
            var bit = message[b];
            var least = float.PositiveInfinity;
            for (var s = 0; s < States / 2; s++)
            {
                next[s] = cost[(s << 1) | bit];
                least = MathF.Min(least, next[s]);
            }

            if (float.IsInfinity(least))
            {
                throw new InvalidOperationException("No stego word satisfies the syndrome (too few columns).");
            }

            // Keep the metrics small so that float sums of cheap costs stay exact enough.
            for (var s = 0; s < States / 2; s++)
            {
                cost[s] = next[s] - least;
            }

            cost[(States / 2)..].Fill(float.PositiveInfinity);
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

    // One block's columns, state metrics updated in place in cost (next is scratch).
    static void Forward(ReadOnlySpan<byte> cover, ReadOnlySpan<float> costs, Span<float> cost, Span<float> next, Span<ulong> path)
    {
        for (var k = 0; k < cover.Length; k++)
        {
            var pattern = Columns[k & (Patterns - 1)];
            var keep = cover[k] == 0 ? 0f : costs[k];
            var flip = cover[k] == 0 ? costs[k] : 0f;
            ulong low = 0, high = 0;
            for (var s = 0; s < States; s++)
            {
                var stay = cost[s] + keep;
                var move = cost[s ^ pattern] + flip;
                var chosen = move < stay;
                next[s] = chosen ? move : stay;
                if (chosen)
                {
                    if (s < 64)
                    {
                        low |= 1UL << s;
                    }
                    else
                    {
                        high |= 1UL << (s - 64);
                    }
                }
            }

            path[2 * k] = low;
            path[2 * k + 1] = high;
            next.CopyTo(cost);
        }
    }

    // The same with the 128 metrics as sixteen 8-lane vectors: s ^ pattern is a swap of whole vectors
    // (the pattern's upper bits) and a permutation of lanes within each (its lowest three bits).
    static unsafe void ForwardAvx2(ReadOnlySpan<byte> cover, ReadOnlySpan<float> costs, Span<float> cost, Span<ulong> path)
    {
        var buffers = stackalloc Vector256<float>[2 * States / 8];
        var current = buffers;
        var next = buffers + States / 8;
        fixed (float* c = cost)
        fixed (ulong* p = path)
        fixed (Vector256<int>* lanes = Lanes)
        {
            for (var v = 0; v < States / 8; v++)
            {
                current[v] = Avx.LoadVector256(c + 8 * v);
            }

            for (var k = 0; k < cover.Length; k++)
            {
                var pattern = Columns[k & (Patterns - 1)];
                var lane = lanes[pattern & 7];
                var swap = pattern >> 3;
                var keep = Vector256.Create(cover[k] == 0 ? 0f : costs[k]);
                var flip = Vector256.Create(cover[k] == 0 ? costs[k] : 0f);
                ulong low = 0, high = 0;
                for (var v = 0; v < 8; v++)
                {
                    var stay = Avx.Add(current[v], keep);
                    var move = Avx.Add(Avx2.PermuteVar8x32(current[v ^ swap], lane), flip);
                    var chosen = Avx.CompareLessThan(move, stay);
                    next[v] = Avx.BlendVariable(stay, move, chosen);
                    low |= (ulong)(uint)Avx.MoveMask(chosen) << (8 * v);
                }

                for (var v = 8; v < 16; v++)
                {
                    var stay = Avx.Add(current[v], keep);
                    var move = Avx.Add(Avx2.PermuteVar8x32(current[v ^ swap], lane), flip);
                    var chosen = Avx.CompareLessThan(move, stay);
                    next[v] = Avx.BlendVariable(stay, move, chosen);
                    high |= (ulong)(uint)Avx.MoveMask(chosen) << (8 * (v - 8));
                }

                p[2 * k] = low;
                p[2 * k + 1] = high;
                var swapped = current;
                current = next;
                next = swapped;
            }

            for (var v = 0; v < States / 8; v++)
            {
                Avx.Store(c + 8 * v, current[v]);
            }
        }
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
