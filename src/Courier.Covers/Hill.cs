using System.Numerics;
using System.Runtime.InteropServices;

namespace Courier.Covers;

/// <summary>
/// HILL costs (B. Li, M. Wang, J. Huang, X. Li, "A new cost function for spatial image steganography",
/// ICIP 2014): ρ = L2 ⊛ (1 / (L1 ⊛ |X ⊛ KB|)) with KB the Ker–Böhme high-pass kernel, L1 the 3×3 mean
/// and L2 the 15×15 mean. Low where the picture is textured, high where it is smooth. Edges replicate.
/// </summary>
internal static class Hill
{
    /// <summary>The cost of changing each sample of each colour channel by ±1: one row-major plane per channel.</summary>
    public static float[][] Costs(byte[] samples, int width, int height, int channels, int colourChannels)
    {
        // Two scratch planes serve every channel: these are 12-megapixel arrays.
        var residual = new float[width * height];
        var temporary = new float[width * height];
        var costs = new float[colourChannels][];
        for (var channel = 0; channel < colourChannels; channel++)
        {
            costs[channel] = new float[width * height];
            Plane(samples, width, height, channels, channel, residual, temporary, costs[channel]);
        }

        return costs;
    }

    static void Plane(byte[] samples, int width, int height, int channels, int channel, float[] residual, float[] temporary, float[] mean)
    {
        // The channel as floats, in the scratch plane that the box filter overwrites afterwards.
        var x0 = temporary;
        Parallel.For(0, height, y =>
        {
            var row = x0.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                row[x] = samples[(y * width + x) * channels + channel];
            }
        });

        // |X ⊛ KB|, KB = [−1 2 −1; 2 −4 2; −1 2 −1] / 4, edges replicated.
        Parallel.For(0, height, y =>
        {
            var up = x0.AsSpan(Math.Max(y - 1, 0) * width, width);
            var mid = x0.AsSpan(y * width, width);
            var down = x0.AsSpan(Math.Min(y + 1, height - 1) * width, width);
            var output = residual.AsSpan(y * width, width);
            var x = 1;
            var lanes = Vector<float>.Count;
            for (; x + lanes < width; x += lanes)
            {
                var sides = new Vector<float>(up[x..]) + new Vector<float>(down[x..]) + new Vector<float>(mid[(x - 1)..]) + new Vector<float>(mid[(x + 1)..]);
                var corners = new Vector<float>(up[(x - 1)..]) + new Vector<float>(up[(x + 1)..]) + new Vector<float>(down[(x - 1)..]) + new Vector<float>(down[(x + 1)..]);
                Vector.Abs((2 * sides - corners - 4 * new Vector<float>(mid[x..])) * 0.25f).CopyTo(output[x..]);
            }

            for (var edge = 0; edge < width; edge = edge == 0 ? x : edge + 1)
            {
                var l = Math.Max(edge - 1, 0);
                var r = Math.Min(edge + 1, width - 1);
                var sides = up[edge] + down[edge] + mid[l] + mid[r];
                var corners = up[l] + up[r] + down[l] + down[r];
                output[edge] = MathF.Abs((2 * sides - corners - 4 * mid[edge]) * 0.25f);
            }
        });

        Box(residual, temporary, mean, width, height, 1);
        var reciprocal = residual;
        Parallel.For(0, height, y =>
        {
            var row = mean.AsSpan(y * width, width);
            var output = reciprocal.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                output[x] = 1f / (row[x] + 1e-3f);
            }
        });

        Box(reciprocal, temporary, mean, width, height, 7);
    }

    // The (2r+1)×(2r+1) mean of source into output, separably: rows into temporary, then columns.
    static void Box(float[] source, float[] temporary, float[] output, int width, int height, int r)
    {
        var scale = 1f / (2 * r + 1);
        Parallel.For(0, height, () => new float[width + 2 * r + Vector<float>.Count], (y, _, padded) =>
        {
            var row = source.AsSpan(y * width, width);
            padded.AsSpan(0, r).Fill(row[0]);
            row.CopyTo(padded.AsSpan(r));
            padded.AsSpan(r + width, r).Fill(row[^1]);
            var target = temporary.AsSpan(y * width, width);
            var x = 0;
            ref var start = ref MemoryMarshal.GetArrayDataReference(padded);
            for (; x <= width - Vector<float>.Count; x += Vector<float>.Count)
            {
                var sum = Vector<float>.Zero;
                for (var k = 0; k <= 2 * r; k++)
                {
                    sum += Vector.LoadUnsafe(ref start, (nuint)(x + k));
                }

                (sum * scale).CopyTo(target[x..]);
            }

            for (; x < width; x++)
            {
                var sum = 0f;
                for (var k = 0; k <= 2 * r; k++)
                {
                    sum += padded[x + k];
                }

                target[x] = sum * scale;
            }

            return padded;
        }, _ => { });

        Parallel.For(0, height, y =>
        {
            var target = output.AsSpan(y * width, width);
            target.Clear();
            for (var k = -r; k <= r; k++)
            {
                var row = temporary.AsSpan(Math.Clamp(y + k, 0, height - 1) * width, width);
                var x = 0;
                for (; x <= width - Vector<float>.Count; x += Vector<float>.Count)
                {
                    (new Vector<float>(target[x..]) + new Vector<float>(row[x..])).CopyTo(target[x..]);
                }

                for (; x < width; x++)
                {
                    target[x] += row[x];
                }
            }

            for (var x = 0; x < width; x++)
            {
                target[x] *= scale;
            }
        });
    }
}
