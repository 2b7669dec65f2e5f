using System.Security.Cryptography;

namespace Courier.Mix;

/// <summary>
/// Where Courier.Mix draws its randomness: an injected <see cref="RandomNumberGenerator"/> (tests derive it
/// from a seed to make packets reproducible), else the operating system's generator.
/// </summary>
internal static class Randomness
{
    public static void Fill(RandomNumberGenerator? random, Span<byte> destination)
    {
        if (random is null)
        {
            RandomNumberGenerator.Fill(destination);
        }
        else
        {
            random.GetBytes(destination);
        }
    }
}
