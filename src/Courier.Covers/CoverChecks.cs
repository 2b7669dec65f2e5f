namespace Courier.Covers;

/// <summary>
/// The covers refused because a change in them would stand out, whatever the coding: large flat areas,
/// screenshots and synthetic pictures, and images decoded from JPEG at their original resolution
/// (J. Fridrich, M. Goljan, R. Du, "Steganalysis based on JPEG compatibility", 2001: one change in an
/// 8×8 block that came out of a JPEG decoder can be proven).
/// </summary>
internal static class CoverChecks
{
    /// <summary>The largest share of 8×8 blocks allowed to be of one exact value.</summary>
    public const double MaxFlatBlocks = 0.05;

    /// <summary>The largest share of pixels allowed to repeat their left neighbour exactly.</summary>
    public const double MaxRepeats = 0.5;

    /// <summary>The fewest distinct colours (truecolour) a cover must have.</summary>
    public const int MinColours = 4096;

    /// <summary>The fewest distinct grey levels a greyscale cover must have.</summary>
    public const int MinGreyLevels = 32;

    /// <summary>
    /// The blockiness (a phase of the 8-pixel grid against the median phase) above which, across rows
    /// and down columns both, an image counts as decoded from JPEG.
    /// </summary>
    public const double MaxBlockiness = 1.25;

    /// <summary>Throws when the cover would betray a change.</summary>
    /// <exception cref="CoverRefusedException">Flat areas, synthetic, or decoded from JPEG.</exception>
    public static void Check(int width, int height, int channels, int colourChannels, byte[] samples)
    {
        double flat = 0, across = 0, down = 0;
        (long Colours, double Repeats) variety = default;
        Parallel.Invoke(
            () => flat = FlatBlockShare(width, height, channels, colourChannels, samples),
            () => variety = ColoursAndRepeats(width, height, channels, colourChannels, samples),
            () => (across, down) = Blockiness(width, height, channels, colourChannels, samples));

        // First: a JPEG's flat blocks and few colours are its grid's doing, the more telling reason.
        if (across > MaxBlockiness && down > MaxBlockiness)
        {
            throw new CoverRefusedException(CoverRefusal.JpegDecoded,
                "The image shows the 8×8 grid of a JPEG decoder: use a photograph downsampled by 4 or more from the camera's JPEG, or one never compressed.");
        }

        if (flat > MaxFlatBlocks)
        {
            throw new CoverRefusedException(CoverRefusal.FlatAreas,
                $"More than {MaxFlatBlocks:P0} of the image is in flat 8×8 areas of one exact value (sky burnt out, a filled background): use a photograph with texture throughout.");
        }

        if (variety.Colours < (colourChannels == 1 ? MinGreyLevels : Math.Min(MinColours, (long)width * height / 16)) || variety.Repeats > MaxRepeats)
        {
            throw new CoverRefusedException(CoverRefusal.Synthetic,
                "The image has few colours or many exactly repeated pixels, as a screenshot or a drawing has: use a camera photograph.");
        }
    }

    static double FlatBlockShare(int width, int height, int channels, int colourChannels, byte[] samples)
    {
        long flat = 0, blocks = 0;
        for (var by = 0; by + 8 <= height; by += 8)
        {
            for (var bx = 0; bx + 8 <= width; bx += 8)
            {
                blocks++;
                var same = true;
                for (var c = 0; c < colourChannels && same; c++)
                {
                    var first = samples[(by * width + bx) * channels + c];
                    for (var y = by; y < by + 8 && same; y++)
                    {
                        for (var x = bx; x < bx + 8; x++)
                        {
                            if (samples[(y * width + x) * channels + c] != first)
                            {
                                same = false;
                                break;
                            }
                        }
                    }
                }

                flat += same ? 1 : 0;
            }
        }

        return blocks == 0 ? 1 : (double)flat / blocks;
    }

    static (long Colours, double Repeats) ColoursAndRepeats(int width, int height, int channels, int colourChannels, byte[] samples)
    {
        var seen = new ulong[(1 << (8 * colourChannels)) / 64 + 1];
        long colours = 0, repeats = 0;
        var previous = -1;
        for (var p = 0; p < width * height; p++)
        {
            var i = p * channels;
            var colour = colourChannels == 1 ? samples[i] : (samples[i] << 16) | (samples[i + 1] << 8) | samples[i + 2];
            var bit = 1UL << (colour & 63);
            colours += (seen[colour >> 6] & bit) == 0 ? 1 : 0;
            seen[colour >> 6] |= bit;
            repeats += p % width != 0 && colour == previous ? 1 : 0;
            previous = colour;
        }

        return (colours, (double)repeats / ((long)width * height));
    }

    // For each phase of the 8-pixel grid, the mean size of the second difference across the boundary
    // after that phase (a JPEG block edge is a step the neighbouring gradients do not explain); the
    // largest phase against the median one, across rows and down columns.
    static (double Across, double Down) Blockiness(int width, int height, int channels, int colourChannels, byte[] samples)
    {
        if (width < 32 || height < 32)
        {
            return (0, 0);
        }

        var luma = new int[width * height];
        for (var p = 0; p < luma.Length; p++)
        {
            var i = p * channels;
            luma[p] = colourChannels == 1 ? 4 * samples[i] : samples[i] + 2 * samples[i + 1] + samples[i + 2];
        }

        var across = new double[8];
        var down = new double[8];
        for (var y = 1; y < height - 2; y++)
        {
            var row = luma.AsSpan(y * width, width);
            for (var x = 1; x < width - 2; x++)
            {
                across[x & 7] += Step(3 * (row[x + 1] - row[x]) - (row[x + 2] - row[x - 1]));
            }

            var above = luma.AsSpan((y - 1) * width, width);
            var below = luma.AsSpan((y + 1) * width, width);
            var further = luma.AsSpan((y + 2) * width, width);
            long sum = 0;
            for (var x = 0; x < width; x++)
            {
                sum += Step(3 * (below[x] - row[x]) - (further[x] - above[x]));
            }

            down[y & 7] += sum;
        }

        // A block edge is a small step everywhere; a strong edge of the picture is capped (at 12 grey
        // levels, luma here being four times a sample) so that one straight edge on the grid cannot
        // pass for blocking.
        static int Step(int d) => Math.Min(Math.Abs(d), 48);

        static double Ratio(double[] phases)
        {
            var sorted = phases.Order().ToArray();
            return sorted[3] + sorted[4] == 0 ? 0 : sorted[7] / ((sorted[3] + sorted[4]) / 2);
        }

        return (Ratio(across), Ratio(down));
    }
}
