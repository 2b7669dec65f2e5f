using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// Fills <paramref name="destination"/> with uniformly random bytes. Every operation that draws randomness
/// takes one (default <see cref="RandomSources.System"/>), so tests can replay the RFC's vectors.
/// </summary>
public delegate void RandomSource(Span<byte> destination);

/// <summary>The default source of randomness.</summary>
public static class RandomSources
{
    /// <summary>The operating system's generator (<see cref="RandomNumberGenerator.Fill(Span{byte})"/>).</summary>
    public static readonly RandomSource System = RandomNumberGenerator.Fill;
}
