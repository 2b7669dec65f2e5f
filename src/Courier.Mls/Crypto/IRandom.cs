using System.Security.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// The only source of randomness Courier.Mls uses. Injected so that known-answer tests can
/// derandomize; production code uses <see cref="SystemRandom"/>.
/// </summary>
public interface IRandom
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}

/// <summary>Randomness from the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>).</summary>
public sealed class SystemRandom : IRandom
{
    /// <summary>The shared instance; it holds no state.</summary>
    public static SystemRandom Instance { get; } = new();

    private SystemRandom()
    {
    }

    /// <inheritdoc/>
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
